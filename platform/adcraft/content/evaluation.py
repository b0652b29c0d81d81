"""How good is a generator's copy: the same held-out requests and prompts for every
generator compared (base and fine-tuned), scored before and after `CopyGate`, the one judge.

What the shopper is shown for a request: up to k (the request's `n_variants`) of the
generated candidates that pass the guardrails (repaired where needed), picked as
serving picks them (`content.selection`: no repeats, personal ones first), or, when
none passes, one template copy marked degraded. The generator writes
`selection.candidates(k)` candidates per request.
- `showable_coverage`: of the variant slots asked for, the share filled by generated
  copy that passes the gate (the generator's headline figure)
- `raw_grounding_rate`: generated candidates whose claims the gate can all verify,
  before any repair
- `kept_rate`: generated candidates that pass the gate (after repair)
- `degraded_rate`: requests that fell back to template copy
- `grounding_rate`: shown copy whose claims the gate verifies (its promise)
- `personalisation_rate`: shown generated copy naming something the shopper likes,
  over requests whose product holds such a thing (otherwise it cannot, truthfully)
- `raw_personalisation_rate`: the same over every kept candidate, before the pick:
  how often the generator itself writes for the shopper
- `distinct_2`: distinct word pairs across a request's shown variants (2 or more)
- `shown_variants`: variants shown per request (at most k)
- `predicted_ctr`: what the generator's copy is worth: p(click) (`ShopContext.score`)
  of each shown generated variant, summed over the k slots asked for (an empty slot: 0)
- `kept_predicted_ctr`: mean p(click) of the shown generated variants only
- `shown_predicted_ctr`: mean p(click) of everything shown, template fallbacks included
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from adcraft.content.bestofn import ShopContext, check_candidates
from adcraft.content.prompts import build_messages, liked_in_product
from adcraft.content.request import CopyRequest
from adcraft.content.scores import distinct_n, grounding_rate
from adcraft.content.selection import pick
from adcraft.content.templates import template_variants
from adcraft.settings import CopySelection

METRICS = ("showable_coverage", "raw_grounding_rate", "kept_rate", "degraded_rate",
           "grounding_rate",
           "personalisation_rate", "raw_personalisation_rate", "distinct_2", "shown_variants",
           "predicted_ctr", "kept_predicted_ctr", "shown_predicted_ctr")


def _mean(values: Sequence[float]) -> float:
    values = [v for v in values if not math.isnan(v)]
    return float(np.mean(values)) if values else math.nan


def evaluate_copy(ctx: ShopContext, requests: Sequence[CopyRequest],
                  generated: Sequence[Sequence[str]], selection: CopySelection | None = None,
                  ) -> tuple[dict[str, float], list[dict]]:
    """Scores of `generated` (candidates per request) and, per request, what is shown."""
    raw, kept_share, degraded, personal, raw_personal, distinct, n_shown = ([] for _ in range(7))
    slots = sum(r.n_variants for r in requests)
    shown_requests, shown_texts, shown_sources, shown = [], [], [], []
    for request, texts in zip(requests, generated):
        raw.append(grounding_rate(texts, request.product, ctx.vocabulary, request.locale))
        cands = check_candidates(request, texts, "generator", ctx.vocabulary)
        passed = [c for c in cands if c.kept]
        kept_share.append(len(passed) / len(cands) if cands else math.nan)
        degraded.append(float(not passed))
        kept = [passed[i] for i in pick([c.text for c in passed], [c.personal for c in passed],
                                        request.n_variants, selection)]
        if not kept:
            kept = [c for c in check_candidates(request, template_variants(request),
                                                "template", ctx.vocabulary) if c.kept][:1]
        if liked_in_product(request.profile, request.product):
            personal += [float(c.personal) for c in kept if c.source == "generator"]
            raw_personal += [float(c.personal) for c in passed]
        n_shown.append(len(kept))
        if len(kept) >= 2:
            distinct.append(distinct_n([c.text for c in kept], 2))
        shown_requests += [request] * len(kept)
        shown_texts += [c.text for c in kept]
        shown_sources += kept
        shown.append({"shopper_id": request.profile.shopper_id,
                      "product_id": request.product.product_id,
                      "copy": [c.text for c in kept], "degraded": not any(
                          c.source == "generator" for c in kept)})
    grounded = [grounding_rate([t], r.product, ctx.vocabulary, r.locale)
                for r, t in zip(shown_requests, shown_texts)]
    p_click = ctx.score(shown_requests, shown_texts)
    generated_shown = np.array([c.source == "generator" for c in shown_sources], dtype=bool)
    scores = {
        "raw_grounding_rate": _mean(raw), "kept_rate": _mean(kept_share),
        "degraded_rate": _mean(degraded), "grounding_rate": _mean(grounded),
        "personalisation_rate": _mean(personal), "raw_personalisation_rate": _mean(raw_personal),
        "distinct_2": _mean(distinct), "shown_variants": _mean(n_shown),
        "showable_coverage": float(generated_shown.sum() / slots) if slots else math.nan,
        "predicted_ctr": float(p_click[generated_shown].sum() / slots) if slots else math.nan,
        "kept_predicted_ctr": _mean(p_click[generated_shown].tolist()),
        "shown_predicted_ctr": _mean(p_click.tolist()),
        "requests": float(len(requests)),
    }
    return scores, shown


def evaluate_generator(generator, ctx: ShopContext, requests: Sequence[CopyRequest],
                       n: int, settings=None, selection: CopySelection | None = None,
                       ) -> tuple[dict[str, float], list[dict]]:
    """With `generator` (a `CopyGenerator`), the candidates for `n` variants per request
    (`selection.candidates(n)`), scored by `evaluate_copy` as if `n` were asked for."""
    selection = selection or CopySelection()
    requests = [r.model_copy(update={"n_variants": n}) for r in requests]
    generated = generator.generate([build_messages(r) for r in requests],
                                   n=selection.candidates(n), settings=settings)
    return evaluate_copy(ctx, requests, generated, selection)
