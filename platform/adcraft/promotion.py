"""Promotion outside a training job: put a registered version's scores beside the
champion's, apply the model's gate, move `champion` and log the decision in MLflow.

Scores come from the MLflow run that registered each version (its `test_<metric>`
metrics). When the candidate's run scored the current champion on its own held-out data
(tag `gate.champion_version`, scores in its `gate_decision.json`), those champion scores
are used: both sides measured on the same data. Otherwise each side comes from its own
run, possibly a different test set, and the result says so.

Aliases: `champion` moves to the candidate on promotion; `challenger` is left where it
is. The pipelines point `challenger` at the newest version and keep it there after a
promotion, so it keeps meaning "the latest candidate" here too; promoting the challenger
twice is then refused as "already the champion".
"""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path

import mlflow
from mlflow.entities import Run
from mlflow.exceptions import MlflowException
from pydantic import BaseModel, computed_field

from adcraft.eval.gate import Criterion, GateDecision, GateRule, decide
from adcraft.registry import CHALLENGER, CHAMPION, Registry
from adcraft.specs import MODELS, family_of

log = logging.getLogger(__name__)

# One gate per model family (the table in `adcraft.specs`); a suffixed name
# (adcraft-conversion-obd-men) uses its family's.
GATES: dict[str, GateRule] = {n: s.gate for n, s in MODELS.items() if s.gate is not None}
# The pipelines tag their run with the champion version they scored on the same test data.
CHAMPION_VERSION_TAG = "gate.champion_version"
DECISION_FILE = "gate_decision.json"
SCORE_PREFIX = "test_"


class PromotionError(ValueError):
    """Bad input: unknown model or version, no challenger, nothing to compare."""


class ScoreRow(BaseModel):
    metric: str
    champion: float | None
    candidate: float
    rule: str = ""  # "" for metrics shown but not gated
    passed: bool | None = None  # None: not gated, or no champion to beat

    @computed_field
    @property
    def delta(self) -> float | None:
        return None if self.champion is None else self.candidate - self.champion


class Promotion(BaseModel):
    model: str
    candidate_version: int
    previous_champion: int | None
    new_champion: int | None  # who holds `champion` after the call
    same_evaluation: bool  # both sides scored on the same held-out data, in one run
    evidence: str
    rows: list[ScoreRow]
    decision: GateDecision
    table: str
    dry_run: bool = True  # nothing moved and nothing logged (so far)
    run_id: str | None = None  # the `promote-<model>` run, None on a dry run

    @property
    def moved(self) -> bool:
        return self.new_champion != self.previous_champion

    def verdict(self) -> str:
        d, v = self.decision, self.candidate_version
        if self.dry_run:
            head = (f"{self.model} v{v}: would {'' if d.promote else 'NOT '}be promoted "
                    "(dry run: nothing moved, nothing logged)")
        else:
            head = f"{self.model} v{v}: {'promoted to champion' if d.promote else 'NOT promoted'}"
        if d.promote and self.previous_champion is not None:
            head += f" (champion {'is' if self.dry_run else 'was'} v{self.previous_champion})"
        return f"{head}{' [forced]' if d.forced else ''} - {d.reason}"


def gate_for(model: str) -> GateRule:
    """The gate of `model`, or of its family for a suffixed name."""
    spec = family_of(model)
    if spec is None or spec.gate is None:
        raise PromotionError(f"unknown model {model!r}: gates exist for {', '.join(GATES)} "
                             "(and their suffixed names, e.g. adcraft-conversion-obd-men)")
    return spec.gate


def compare(registry: Registry, model: str, version: int | None = None,
            force: bool = False) -> Promotion:
    """Scores side by side and the gate's decision: a dry run, which moves nothing."""
    rule = gate_for(model)
    candidate = _candidate_version(registry, model, version)
    champion = registry.alias_version(model, CHAMPION)
    if candidate == champion:
        which = "" if version is not None else f" ({CHALLENGER})"
        raise PromotionError(f"{model} v{candidate}{which} is already the champion: "
                             "nothing to promote")
    needed = [c.metric for c in (*rule.must_improve, *rule.must_not_worsen)]
    cand_run = _version_run(registry, model, candidate)
    cand_scores = _scores(cand_run, needed, f"{model} v{candidate}")
    champ_scores, same = None, False
    if champion is None:
        evidence = "no champion yet: the candidate wins by default"
    else:
        champ_scores = _same_run_champion_scores(registry, cand_run, champion, needed)
        same = champ_scores is not None
        if same:
            evidence = (f"same held-out data: v{champion} was scored in the run that "
                        f"registered v{candidate} ({cand_run.info.run_id})")
        else:
            champ_run = _version_run(registry, model, champion)
            champ_scores = _scores(champ_run, needed, f"{model} v{champion} (champion)")
            evidence = (f"DIFFERENT evaluations: each version's scores come from its own run "
                        f"(v{champion}: {champ_run.info.run_id}, v{candidate}: "
                        f"{cand_run.info.run_id}), whose held-out data may differ")
    decision = decide(cand_scores, champ_scores, rule, force=force)
    rows = _rows(rule, cand_scores, champ_scores)
    title = (f"{model}: champion {f'v{champion}' if champion else '(none)'} vs candidate "
             f"v{candidate}")
    table = "\n".join([title, f"scores: {evidence}", _table(rows)])
    return Promotion(model=model, candidate_version=candidate, previous_champion=champion,
                     new_champion=champion, same_evaluation=same, evidence=evidence,
                     rows=rows, decision=decision, table=table)


def promote(registry: Registry, model: str, version: int | None = None, force: bool = False,
            dry_run: bool = False) -> Promotion:
    """Compare, then (unless `dry_run`) move `champion` if the gate (or `force`) says so
    and log the decision in a `promote-<model>` run either way."""
    result = compare(registry, model, version, force)
    if dry_run:
        return result
    d, v, previous = result.decision, result.candidate_version, result.previous_champion
    tags = {"gate.promoted": d.promote, "gate.forced": d.forced, "gate.reason": d.reason[:250],
            "model.version": v, "champion.previous": previous or "none",
            "gate.same_evaluation": result.same_evaluation}
    with registry.run(f"promote-{model}", tags={"model.name": model}) as run:
        if d.promote:
            if registry.alias_version(model, CHAMPION) != previous:
                raise PromotionError(f"{model}@{CHAMPION} moved while comparing: run again")
            registry.set_alias(model, CHAMPION, v)
        mlflow.set_tags(tags)
        registry.log_json(d.model_dump(), DECISION_FILE)
        mlflow.log_text(result.table, "promotion.txt")
    new = v if d.promote else previous
    log.info("%s: champion v%s -> v%s (%s)", model, previous, new, d.reason)
    return result.model_copy(update={"new_champion": new, "run_id": run.info.run_id,
                                     "dry_run": False})


def _candidate_version(registry: Registry, model: str, version: int | None) -> int:
    try:
        registry.client.get_registered_model(model)
    except MlflowException as exc:
        if exc.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
        known = sorted(m.name for m in registry.client.search_registered_models())
        raise PromotionError(f"no registered model {model!r} in {registry.uri} "
                             f"(registered: {', '.join(known) or 'none'})") from None
    versions = registry.versions(model)
    if version is None:
        version = registry.alias_version(model, CHALLENGER)
        if version is None:
            raise PromotionError(f"{model} has no {CHALLENGER!r} alias: name a version "
                                 f"(versions: {_listing(versions)})")
    elif version not in versions:
        raise PromotionError(f"{model} has no version {version} "
                             f"(versions: {_listing(versions)})")
    return version


def _version_run(registry: Registry, model: str, version: int) -> Run:
    """The run that registered `version`. MLflow 3 copies the LoggedModel's source run
    onto versions registered from `models:/m-...`; older ones may only have the model."""
    mv = registry.client.get_model_version(model, str(version))
    run_id = mv.run_id
    if not run_id and mv.model_id:
        run_id = registry.client.get_logged_model(mv.model_id).source_run_id
    if not run_id:
        raise PromotionError(f"{model} v{version} has no MLflow run (source {mv.source}): "
                             "its scores are unknown")
    try:
        return registry.client.get_run(run_id)
    except MlflowException:
        raise PromotionError(f"the run {run_id} that registered {model} v{version} "
                             "is gone: its scores are unknown") from None


def _scores(run: Run, needed: list[str], who: str) -> dict[str, float]:
    scores = {k.removeprefix(SCORE_PREFIX): v for k, v in run.data.metrics.items()
              if k.startswith(SCORE_PREFIX)}
    missing = [SCORE_PREFIX + m for m in needed if m not in scores]
    if missing:
        raise PromotionError(f"the run of {who} ({run.info.run_id}) lacks the metrics "
                             f"{', '.join(missing)} the gate needs")
    return scores


def _same_run_champion_scores(registry: Registry, run: Run, champion: int,
                              needed: list[str]) -> dict[str, float] | None:
    """The champion's scores from the candidate's own gate decision, if that run scored
    the version that is champion now; else None."""
    if run.data.tags.get(CHAMPION_VERSION_TAG) != str(champion):
        return None
    names = {a.path for a in registry.client.list_artifacts(run.info.run_id)}
    if DECISION_FILE not in names:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = registry.client.download_artifacts(run.info.run_id, DECISION_FILE, tmp)
        scores = json.loads(Path(path).read_text()).get("champion") or {}
    return scores if all(m in scores for m in needed) else None


def _passes(c: Criterion, candidate: float, champion: float, improve: bool) -> bool:
    gain = c.gain(candidate, champion)  # the same tests as `decide`
    return gain > c.margin if improve else gain >= -c.margin


def _rows(rule: GateRule, candidate: dict[str, float],
          champion: dict[str, float] | None) -> list[ScoreRow]:
    rows = []
    for improve, criteria in ((True, rule.must_improve), (False, rule.must_not_worsen)):
        for c in criteria:
            better = "higher" if c.higher_is_better else "lower"
            text = "must improve" if improve else "must not worsen"
            text += f" by more than {c.margin}" if c.margin else ""
            old = champion[c.metric] if champion else None
            rows.append(ScoreRow(
                metric=c.metric, champion=old, candidate=candidate[c.metric],
                rule=f"{text} ({better} is better)",
                passed=None if old is None else _passes(c, candidate[c.metric], old, improve)))
    gated = {r.metric for r in rows}
    rows += [ScoreRow(metric=m, champion=(champion or {}).get(m), candidate=candidate[m])
             for m in sorted(candidate) if m not in gated]
    return rows


def _table(rows: list[ScoreRow]) -> str:
    width = max(len("metric"), *(len(r.metric) for r in rows)) + 2
    rule_width = max(len("rule"), *(len(r.rule) for r in rows)) + 2

    def num(x: float | None, sign: str = "") -> str:
        return "-" if x is None else f"{x:{sign}.4f}"

    lines = [f"{'metric':<{width}}{'champion':>10}{'candidate':>11}{'delta':>10}  "
             f"{'rule':<{rule_width}}result"]
    for r in rows:
        result = "" if not r.rule else ("-" if r.passed is None else
                                        ("pass" if r.passed else "FAIL"))
        lines.append(f"{r.metric:<{width}}{num(r.champion):>10}{num(r.candidate):>11}"
                     f"{num(r.delta, '+'):>10}  {r.rule or '-':<{rule_width}}{result}".rstrip())
    return "\n".join(lines)


def _listing(versions: list[int]) -> str:
    return ", ".join(map(str, versions)) or "none"


def register_and_gate(registry: Registry, name: str, model_uri: str,
                      scores: dict[str, float] | None,
                      champion_scores: dict[str, float] | None, champion_version: int | None,
                      description: str = "", force: bool = False,
                      tags: dict[str, str] | None = None) -> tuple[int, GateDecision]:
    """What every training recipe does with a model it logged, in its active MLflow run:
    register a version, point `challenger` at it, apply the family's gate
    (`adcraft.specs`) against the champion's scores on the same test data, move
    `champion` only if it passes (or `force`), and record the decision on the run
    (`gate.*` tags and `gate_decision.json`, which `promote` reads later).

    `scores` None: a version nobody evaluated (a base model registered as it ships). It
    becomes champion only where the model has none yet, or with `force` (logged as
    forced); a champion is never replaced by something unmeasured on the quiet."""
    rule = gate_for(name)
    version = registry.register(model_uri, name, description)
    registry.set_alias(name, CHALLENGER, version)
    if scores is None:
        decision = _unscored(registry.alias_version(name, CHAMPION), force)
    else:
        decision = decide(scores, champion_scores, rule, force=force)
    if decision.promote:
        registry.set_alias(name, CHAMPION, version)
    mlflow.set_tags({"gate.promoted": decision.promote, "gate.forced": decision.forced,
                     "gate.reason": decision.reason[:250], "model.version": version,
                     CHAMPION_VERSION_TAG: champion_version or "none", **(tags or {})})
    registry.log_json(decision.model_dump(), DECISION_FILE)
    return version, decision


def _unscored(champion: int | None, force: bool) -> GateDecision:
    if champion is None:
        return GateDecision(promote=True, reason="no champion yet (not evaluated)",
                            candidate={})
    if force:
        return GateDecision(promote=True, forced=True, candidate={},
                            reason=f"forced: not evaluated, replaces v{champion}")
    return GateDecision(promote=False, candidate={},
                        reason=f"not evaluated: v{champion} stays champion (score it, or force)")
