"""Catalogue copy in batch: for each (product, segment) slot, the generator's champion
writes candidates for the segment's persona, `CopyGate` judges each, the conversion
model's champion predicts each passing variant's click rate, and the slot's proposals
come back as rows for the copy store (`store.copy.Proposal`). Template copy stands in
where no candidate passed, so every slot gets copy a marketer can approve. Ray Data runs
`BatchCopy` in an actor pool (`pipelines.batch_copy`); the sequential loop calls the same
object, which is what the bench compares."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from adcraft.content.bestofn import ShopContext
from adcraft.content.gate import CopyGate, Verdict
from adcraft.content.prompts import build_messages
from adcraft.content.reading import is_cjk, read_products_ahead
from adcraft.content.request import DEFAULT_LOCALE, CopyKind, CopyRequest
from adcraft.content.selection import names_a_like, pick
from adcraft.content.templates import template_variants
from adcraft.features.profiles import Interest, ShopperProfile, segment_of
from adcraft.serving.bandit import variant_id
from adcraft.settings import CopySelection, GenerationSettings, Settings
from adcraft.shopview import ShopView
from adcraft.store.copy import Proposal

log = logging.getLogger(__name__)
PERSONA_LIKES = 5  # the segment's most shared likes a persona carries


@dataclass(frozen=True)
class BatchCopyConfig:
    kind: str = CopyKind.ad_copy.value
    locale: str = DEFAULT_LOCALE
    variants: int = 3  # passing variants proposed per slot
    candidates: int = 6  # generated per slot
    max_new_tokens: int = GenerationSettings().max_new_tokens
    generator: bool = True  # False: template copy only (no model loaded)
    keep_failed: bool = True  # failed candidates go to the store too, with findings


def segment_personas(shop: ShopView, max_likes: int = PERSONA_LIKES
                     ) -> dict[str, ShopperProfile]:
    """One profile per segment (`segment_of`, the one rule): its top-level category, the
    likes and brands most of its shoppers share, and as `shopper_id` its most active
    shopper, whose features the conversion model scores the segment's copy with. The
    cold segment is a shopper we know nothing about."""
    members: dict[str, list[ShopperProfile]] = {}
    for shopper_id in shop.profiles["shopper_id"].to_list() if shop.profiles.height else []:
        profile = shop.profile(shopper_id)
        members.setdefault(segment_of(profile), []).append(profile)
    out = {}
    for segment, group in sorted(members.items()):
        if segment.startswith("cold"):
            continue
        likes = Counter(a for p in group for a in p.liked_attributes)
        brands = Counter(b.name for p in group for b in p.brands)
        lead = max(group, key=lambda p: (p.n_events, p.shopper_id))
        out[segment] = ShopperProfile(
            shopper_id=lead.shopper_id, categories=[Interest(name=segment, weight=1.0)],
            brands=[Interest(name=b, weight=n / len(group)) for b, n in brands.most_common(2)],
            liked_attributes=[a for a, _ in likes.most_common(max_likes)],
            n_events=lead.n_events, cold_start=False)
    out["cold"] = ShopperProfile.cold("cold", shop.popular)
    return out


class BatchCopy:
    """Proposals for a batch of slots ({"product_id": [...], "segment": [...]}, and
    "kind" where it is not the config's), as columns of `Proposal` fields. Loads the
    shop and the champions once (an actor)."""

    def __init__(self, settings: dict[str, Any], config: dict[str, Any] | None = None,
                 run_id: str | None = None):
        from adcraft.models.conversion_pyfunc import native_model
        from adcraft.registry import Registry

        self.settings = Settings(**settings)
        self.config = BatchCopyConfig(**(config or {}))
        self.run_id = run_id
        s = self.settings.serving
        self.shop = ShopContext.load(self.settings)
        self.personas = segment_personas(self.shop)
        registry = Registry(self.settings)
        pyfunc, version = registry.load_champion(s.conversion_model, s.alias,
                                                 "python -m pipelines.tune_conversion")
        self.shop.conversion = native_model(pyfunc)
        self.writer, self.generator_version = None, None
        if self.config.generator:
            from adcraft.serving.components import CopyWriter

            self.writer = CopyWriter.load(self.settings.model_copy(update={
                "serving": s.model_copy(update={"max_new_tokens": self.config.max_new_tokens})}))
            self.generator_version = self.writer.version

    def __call__(self, batch: dict[str, Sequence[str]]) -> dict[str, list]:
        c = self.config
        kinds = batch["kind"] if "kind" in batch else [c.kind] * len(batch["product_id"])
        requests = [CopyRequest(profile=self.personas.get(seg, self.personas["cold"]),
                                product=self.shop.facts(pid), kind=CopyKind(str(kind)),
                                locale=c.locale, n_variants=c.variants)
                    for pid, seg, kind in zip(batch["product_id"], batch["segment"], kinds)]
        generated = (self.writer.generate([build_messages(r) for r in requests], c.candidates)
                     if self.writer is not None else [[] for _ in requests])
        if requests and not is_cjk(c.locale):  # the batch's products and copy read in one pass each
            read_products_ahead(r.product for r in requests)
            CopyGate.for_request(requests[0], self.shop.vocabulary).read_ahead(
                t for texts in generated for t in texts)
        rows: list[Proposal] = []
        asked: list[CopyRequest] = []  # the request of each row
        for request, segment, texts in zip(requests, batch["segment"], generated):
            slot = self._slot(request, str(segment), texts)
            rows += slot
            asked += [request] * len(slot)
        passed = [i for i, r in enumerate(rows) if r.passed_gate]
        if passed:  # p(click) of the segment's lead shopper seeing it first
            scores = self.shop.score([asked[i] for i in passed], [rows[i].text for i in passed])
            for i, score in zip(passed, np.asarray(scores, dtype=float)):
                rows[i] = Proposal(**{**asdict(rows[i]), "predicted_ctr": float(score)})
        return _columns(rows)

    def _slot(self, request: CopyRequest, segment: str, texts: Sequence[str]) -> list[Proposal]:
        gate = CopyGate.for_request(request, self.shop.vocabulary)
        checked = gate.filter(texts, request.product, request.profile) if texts else []
        kept = [v for v in checked if v.kept]
        chosen = [kept[i] for i in pick([v.text for v in kept],
                                        [names_a_like(request, v.text) for v in kept],
                                        request.n_variants, CopySelection())]
        out = [self._proposal(request, segment, v.text, "generator", True, []) for v in chosen]
        if self.config.keep_failed:
            for v in checked:
                if not v.kept:
                    verdict = Verdict(v.original or v.text, False, v.first)
                    out.append(self._proposal(request, segment, verdict.text, "generator",
                                              False, verdict.findings_json()))
        if not chosen:  # template copy, so the slot has something a marketer can approve
            for v in gate.filter(template_variants(request), request.product, request.profile):
                if v.kept:
                    out.append(self._proposal(request, segment, v.text, "template", True, []))
        return out

    def _proposal(self, request: CopyRequest, segment: str, text: str, source: str,
                  passed: bool, findings: list[dict]) -> Proposal:
        product = request.product
        return Proposal(
            variant_id=variant_id(product.product_id, request.kind.value, text),
            product_id=product.product_id, segment=segment, kind=request.kind.value,
            locale=request.locale, text=text, source=source, passed_gate=passed,
            findings=findings,
            category=" > ".join(product.category_path) if product.category_path else None,
            generator_version=self.generator_version if source == "generator" else None,
            run_id=self.run_id)


PROPOSAL_FIELDS = tuple(Proposal.__dataclass_fields__)


def _columns(rows: list[Proposal]) -> dict[str, list]:
    """Columns for Ray Data (findings as JSON text: one Arrow type for every row)."""
    out = {name: [getattr(r, name) for r in rows] for name in PROPOSAL_FIELDS}
    out["findings"] = [json.dumps(f) for f in out["findings"]]
    return out


def proposals(columns: dict[str, Sequence]) -> list[Proposal]:
    """A batch's columns back as proposals (what the driver writes to the store)."""
    n = len(columns["product_id"])
    out = []
    for i in range(n):
        row = {name: _plain(columns[name][i]) for name in PROPOSAL_FIELDS}
        row["findings"] = json.loads(row["findings"])
        if row["predicted_ctr"] is not None and np.isnan(row["predicted_ctr"]):
            row["predicted_ctr"] = None
        out.append(Proposal(**row))
    return out


def _plain(value):
    """numpy scalars and arrays (Ray Data's batches) as Python values."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value
