"""How good is a generator's copy: the same held-out requests and prompts for every
generator compared (base and fine-tuned), scored before and after the guardrails.

What the shopper is shown for a request: the variants that pass the guardrails
(repaired where needed), or, when none does, one template copy marked degraded.
- `raw_grounding_rate`: generated variants whose claims all hold, before any repair
- `kept_rate`: generated variants that pass every guardrail (after repair)
- `degraded_rate`: requests that fell back to template copy
- `grounding_rate`: shown copy whose claims all hold (the guardrails' promise)
- `personalisation_rate`: kept generated copy naming something the shopper likes,
  over requests whose product holds such a thing (otherwise it cannot, truthfully)
- `distinct_2`: distinct word pairs across a request's kept variants (2 or more)
- `predicted_ctr`: what the generator's variants are worth: p(click) (`ShopContext.score`)
  of each generated variant, 0 for one the guardrails drop (it is never shown)
- `kept_predicted_ctr`: mean p(click) of the kept generated variants only
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
from adcraft.content.templates import template_variants

METRICS = ("raw_grounding_rate", "kept_rate", "degraded_rate", "grounding_rate",
           "personalisation_rate", "distinct_2", "predicted_ctr", "kept_predicted_ctr",
           "shown_predicted_ctr")


def _mean(values: Sequence[float]) -> float:
    values = [v for v in values if not math.isnan(v)]
    return float(np.mean(values)) if values else math.nan


def evaluate_copy(ctx: ShopContext, requests: Sequence[CopyRequest],
                  generated: Sequence[Sequence[str]]) -> tuple[dict[str, float], list[dict]]:
    """Scores of `generated` (n variants per request) and, per request, what is shown."""
    raw, kept_share, degraded, personal, distinct = [], [], [], [], []
    n_generated = sum(len(texts) for texts in generated)
    shown_requests, shown_texts, shown_sources, shown = [], [], [], []
    for request, texts in zip(requests, generated):
        raw.append(grounding_rate(texts, request.product, ctx.vocabulary))
        cands = check_candidates(request, texts, "generator", ctx.vocabulary)
        kept = [c for c in cands if c.kept]
        kept_share.append(len(kept) / len(cands) if cands else math.nan)
        degraded.append(float(not kept))
        if not kept:
            kept = check_candidates(request, template_variants(request, 1), "template",
                                    ctx.vocabulary)[:1]
        if liked_in_product(request.profile, request.product):
            personal += [float(c.personal) for c in kept if c.source == "generator"]
        if len(kept) >= 2:
            distinct.append(distinct_n([c.text for c in kept], 2))
        shown_requests += [request] * len(kept)
        shown_texts += [c.text for c in kept]
        shown_sources += kept
        shown.append({"shopper_id": request.profile.shopper_id,
                      "product_id": request.product.product_id,
                      "copy": [c.text for c in kept], "degraded": not any(
                          c.source == "generator" for c in kept)})
    grounded = [grounding_rate([t], r.product, ctx.vocabulary)
                for r, t in zip(shown_requests, shown_texts)]
    p_click = ctx.score(shown_requests, shown_texts)
    generated_shown = np.array([c.source == "generator" for c in shown_sources], dtype=bool)
    scores = {
        "raw_grounding_rate": _mean(raw), "kept_rate": _mean(kept_share),
        "degraded_rate": _mean(degraded), "grounding_rate": _mean(grounded),
        "personalisation_rate": _mean(personal), "distinct_2": _mean(distinct),
        "predicted_ctr": float(p_click[generated_shown].sum() / n_generated) if n_generated
        else math.nan,
        "kept_predicted_ctr": _mean(p_click[generated_shown].tolist()),
        "shown_predicted_ctr": _mean(p_click.tolist()),
        "requests": float(len(requests)),
    }
    return scores, shown


def evaluate_generator(generator, ctx: ShopContext, requests: Sequence[CopyRequest],
                       n: int, settings=None) -> tuple[dict[str, float], list[dict]]:
    """Generate `n` variants per request with `generator` (a `CopyGenerator`) and score
    them with `evaluate_copy`."""
    generated = generator.generate([build_messages(r) for r in requests], n=n,
                                   settings=settings)
    return evaluate_copy(ctx, requests, generated)
