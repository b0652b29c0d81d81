"""The promotion gate: a candidate takes the `champion` alias only if it beats the
current champion on the same held-out data. Pure logic; the pipeline applies it."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Criterion(BaseModel):
    metric: str
    higher_is_better: bool = True
    margin: float = Field(
        0.0, ge=0, description="improve: by more than this; guard: worse by at most this"
    )

    def gain(self, candidate: float, champion: float) -> float:
        """How much better the candidate is (negative: worse)."""
        return candidate - champion if self.higher_is_better else champion - candidate


class GateRule(BaseModel):
    must_improve: list[Criterion]
    must_not_worsen: list[Criterion] = []


class GateDecision(BaseModel):
    promote: bool
    forced: bool = False
    reason: str
    candidate: dict[str, float]
    champion: dict[str, float] | None = None


def decide(
    candidate: dict[str, float],
    champion: dict[str, float] | None,
    rule: GateRule,
    force: bool = False,
) -> GateDecision:
    """Apply `rule`; with no champion the candidate wins by default. `forced` is set only
    where `force` overrode a refusal."""
    needed = [c.metric for c in (*rule.must_improve, *rule.must_not_worsen)]
    missing = [m for m in needed if m not in candidate]
    if missing:
        raise ValueError(f"candidate scores lack {missing}")
    if champion is None:
        return GateDecision(promote=True, reason="no champion yet", candidate=candidate)
    failures = []
    for c in rule.must_improve:
        if c.gain(candidate[c.metric], champion[c.metric]) <= c.margin:
            failures.append(
                f"{c.metric} {candidate[c.metric]:.4f} does not beat {champion[c.metric]:.4f}"
                + (f" by more than {c.margin}" if c.margin else "")
            )
    for c in rule.must_not_worsen:
        if c.gain(candidate[c.metric], champion[c.metric]) < -c.margin:
            failures.append(
                f"{c.metric} {candidate[c.metric]:.4f} is worse than {champion[c.metric]:.4f} "
                f"by more than {c.margin}"
            )
    if failures and force:
        return GateDecision(promote=True, forced=True, candidate=candidate, champion=champion,
                            reason="forced despite: " + "; ".join(failures))
    if failures:
        return GateDecision(promote=False, reason="; ".join(failures), candidate=candidate,
                            champion=champion)
    won = ", ".join(f"{c.metric} {candidate[c.metric]:.4f} vs {champion[c.metric]:.4f}"
                    for c in rule.must_improve)
    return GateDecision(promote=True, reason=f"beats the champion: {won}",
                        candidate=candidate, champion=champion)
