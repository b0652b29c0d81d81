"""Which copy a shopper sees for an item: of the generator's candidates that pass every
guardrail, up to the variants asked for (`content.selection`: no repeats, personal
ones first), and the bandit's pick among those; when the generator failed, was too
slow, or nothing it wrote passed, grounded template copy, marked `degraded`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from adcraft.content.claims import FactVocabulary
from adcraft.content.gate import CopyGate
from adcraft.content.request import CopyRequest
from adcraft.content.selection import names_a_like, pick
from adcraft.content.templates import template_variants
from adcraft.serving.bandit import variant_id
from adcraft.serving.schemas import CopyOut
from adcraft.settings import CopySelection

UNAVAILABLE = "generator_unavailable"  # failed or timed out: the answer is degraded
REJECTED = "no_variant_passed"  # the generator answered; the guardrails kept nothing
# variant ids -> (index of the one to show, the probability that it was chosen)
Chooser = Callable[[Sequence[str]], tuple[int, float]]


def checked_copy(request: CopyRequest, texts: Sequence[str], source: str,
                 vocabulary: FactVocabulary, fallback: str | None = None) -> list[CopyOut]:
    """The texts that pass `CopyGate` (repaired where they can be), as copy with a
    stable variant id and the product facts each states."""
    out: dict[str, CopyOut] = {}
    product = request.product
    gate = CopyGate.for_request(request, vocabulary)
    for checked in gate.filter(texts, product, request.profile):
        if not checked.kept:
            continue
        vid = variant_id(product.product_id, request.kind.value, checked.text)
        facts = sorted(vocabulary.claims(checked.text, product.product_id).grounded)
        out.setdefault(vid, CopyOut(text=checked.text, variant_id=vid, kind=request.kind,
                                    source=source, degraded=fallback == UNAVAILABLE,
                                    fallback=fallback, facts=facts))
    return list(out.values())


def choose_copy(request: CopyRequest, generated: Sequence[str] | None,
                vocabulary: FactVocabulary, choose: Chooser,
                selection: CopySelection | None = None) -> tuple[CopyOut | None,
                                                                 list[CopyOut]]:
    """(the copy to show, every variant that may be shown: `request.n_variants` at
    most). `generated` is None when the generator failed or timed out."""
    kept = checked_copy(request, generated, "generator", vocabulary) if generated else []
    texts = [c.text for c in kept]
    kept = [kept[i] for i in pick(texts, [names_a_like(request, t) for t in texts],
                                  request.n_variants, selection)]
    if not kept:
        kept = checked_copy(request, template_variants(request), "template", vocabulary,
                            UNAVAILABLE if generated is None else REJECTED)
    if not kept:
        return None, []
    index, probability = choose([c.variant_id for c in kept])
    kept[index] = kept[index].model_copy(update={"propensity": probability})
    return kept[index], kept
