"""Training sets for the copy generator, and the scoring both they and the evaluation
use.

Best-of-n: the current generator writes n variants per (shopper, product) request, the
template writer adds its own, the guardrails drop what fails, the conversion model
(and, in the synthetic shop, the true click model) scores the rest, and the best is
kept as the completion for that request's prompt. A shop's historical copy with its
click rate (`history_examples`), and human copy in the AdvertiseGen layout
(`human_examples`), become examples too.
An example is ``{"messages", "completion", "source"}``, what `models.finetune` trains on.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from adcraft.content.claims import FactVocabulary
from adcraft.content.gate import CopyGate
from adcraft.content.prompts import build_messages
from adcraft.content.request import DEFAULT_LOCALE, CopyKind, CopyRequest
from adcraft.content.scores import predicted_ctr
from adcraft.content.selection import names_a_like
from adcraft.content.templates import template_variants
from adcraft.data.synthetic.clicks import ClickModel
from adcraft.features.profiles import ShopperProfile
from adcraft.models.conversion import ConversionModel
from adcraft.shopview import ShopView

log = logging.getLogger(__name__)
TIE_SEED = 7


@dataclass
class ShopContext(ShopView):
    """A shop (the one `ShopView`: catalogue, profiles, traits, item features) with the
    models copy is scored by. `click_model`: the synthetic shop's truth, where there is
    one; `conversion`: the conversion model's champion."""

    click_model: ClickModel | None = None
    conversion: ConversionModel | None = None

    def score(self, requests: Sequence[CopyRequest], texts: Sequence[str]) -> np.ndarray:
        """p(click) of each text for its request, shown first: the mean of the
        conversion model's prediction and the shop's true click model, where known."""
        if not texts:
            return np.zeros(0)
        if self.conversion is None and self.click_model is None:
            raise ValueError("scoring copy needs a conversion model or a click model")
        shoppers = [r.profile.shopper_id for r in requests]
        products = [r.product.product_id for r in requests]
        parts = []
        if self.conversion is not None:
            copies = pl.DataFrame({"shopper_id": shoppers, "product_id": products,
                                   "copy_text": list(texts)})
            parts.append(predicted_ctr(self.conversion, copies, self.products, self.profiles,
                                       self.item_features, self.shoppers).to_numpy())
        if self.click_model is not None:
            parts.append(self.click_model.p_click(shoppers, products, list(texts)))
        return np.mean(parts, axis=0)


def held_out(key: str, share: float, salt: str = "adcraft") -> bool:
    """A stable split: the same id is held out in every run and on every machine."""
    digest = hashlib.sha256(f"{salt}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def make_requests(ctx: ShopContext, shopper_ids: Sequence[str], product_ids: Sequence[str],
                  n: int, seed: int, kind: CopyKind = CopyKind.ad_copy,
                  personal_share: float = 0.75, n_variants: int = 4) -> list[CopyRequest]:
    """`n` requests for shoppers with a history, each for a product among `product_ids`.
    With chance `personal_share` the product holds something the shopper likes (what a
    recommender would surface); otherwise it is any product, so the model also learns
    not to invent a like."""
    rng = np.random.default_rng(seed)
    with_likes = set(ctx.profiles.filter(pl.col("liked_attributes").list.len() > 0)
                     ["shopper_id"].to_list())
    shoppers = [s for s in shopper_ids if s in with_likes]
    if not shoppers:  # a shop whose reviews name no likes yet: shoppers with a history
        known = set(ctx.profiles["shopper_id"].to_list())
        shoppers = [s for s in shopper_ids if s in known]
    if not shoppers or not product_ids:
        raise ValueError(f"no requests to make: {len(shoppers)} shoppers with a history, "
                         f"{len(product_ids)} products")
    facts = ctx.vocabulary.product_facts
    holding: dict[str, list[str]] = {}
    for pid in product_ids:
        for term in facts.get(pid, ()):
            holding.setdefault(term, []).append(pid)
    out = []
    for _ in range(n):
        profile = ctx.profile(shoppers[rng.integers(len(shoppers))])
        pool = [p for a in profile.liked_attributes for p in holding.get(a.lower(), [])]
        if pool and rng.random() < personal_share:
            pid = pool[rng.integers(len(pool))]
        else:
            pid = product_ids[rng.integers(len(product_ids))]
        out.append(CopyRequest(profile=profile, product=ctx.facts(pid), kind=kind,
                               n_variants=n_variants))
    return out


@dataclass
class Candidate:
    text: str
    source: str  # "generator", "template" or "historical"
    kept: bool
    personal: bool = False
    score: float = float("nan")


@dataclass
class BestOfN:
    examples: list[dict] = field(default_factory=list)
    candidates: pl.DataFrame | None = None  # every candidate, scored, with `chosen`

    def summary(self) -> dict[str, float]:
        c = self.candidates
        if c is None or c.height == 0:
            return {}
        gen = c.filter(pl.col("source") == "generator")
        chosen = c.filter("chosen")
        return {"requests": float(c["request"].n_unique()), "examples": float(chosen.height),
                "generator_kept_rate": gen["kept"].mean() if gen.height else float("nan"),
                **{f"chosen_from_{s}": float((chosen["source"] == s).sum())
                   for s in ("generator", "template", "historical")}}


def check_candidates(request: CopyRequest, texts: Sequence[str], source: str,
                     vocabulary: FactVocabulary) -> list[Candidate]:
    """`CopyGate` on each text; the kept ones come back repaired (and judged again)."""
    gate = CopyGate.for_request(request, vocabulary)
    return [Candidate(checked.text, source, checked.kept, names_a_like(request, checked.text))
            for checked in gate.filter(texts, request.product, request.profile)]


def best_of_n(ctx: ShopContext, requests: Sequence[CopyRequest],
              generated: Sequence[Sequence[str]], templates: bool = True,
              history: dict[str, list[str]] | None = None) -> BestOfN:
    """One example per request whose candidates (the `generated` variants, template
    copy, the product's `history` copy) leave at least one that passes the guardrails:
    the best scoring one."""
    rows, flat_requests, flat_texts = [], [], []
    for i, (request, texts) in enumerate(zip(requests, generated)):
        cands = check_candidates(request, texts, "generator", ctx.vocabulary)
        if templates:
            cands += check_candidates(request, template_variants(request), "template",
                                      ctx.vocabulary)
        old = (history or {}).get(request.product.product_id, [])
        cands += check_candidates(request, old, "historical", ctx.vocabulary)
        for c in cands:
            rows.append({"request": i, "shopper_id": request.profile.shopper_id,
                         "product_id": request.product.product_id, "source": c.source,
                         "text": c.text, "kept": c.kept, "personal": c.personal})
            if c.kept:
                flat_requests.append(request)
                flat_texts.append(c.text)
    table = pl.DataFrame(rows, schema={"request": pl.Int64, "shopper_id": pl.String,
                                       "product_id": pl.String, "source": pl.String,
                                       "text": pl.String, "kept": pl.Boolean,
                                       "personal": pl.Boolean})
    scores = ctx.score(flat_requests, flat_texts)
    table = table.with_columns(score=pl.lit(None, pl.Float64)).with_row_index("i")
    kept_i = table.filter("kept")["i"]
    table = table.with_columns(score=pl.Series(np.full(table.height, np.nan))
                               .scatter(kept_i, scores)).with_columns(
        score=pl.col("score").fill_nan(None))
    # equal scores (templates that differ only in wording) are broken at random, so the
    # examples use every wording rather than the first one listed
    tie = pl.col("text").hash(seed=TIE_SEED)
    best = (table.filter("kept").with_columns(tie=tie)
            .sort(["request", "score", "tie"], descending=[False, True, False])
            .unique("request", keep="first", maintain_order=True))
    table = table.with_columns(chosen=pl.col("i").is_in(best["i"].implode())).drop("i")
    examples = [{"messages": build_messages(requests[r["request"]]), "completion": r["text"],
                 "source": r["source"]} for r in best.iter_rows(named=True)]
    out = BestOfN(examples, table)
    log.info("best-of-n: %s", out.summary())
    return out


def history_by_product(copy: pl.DataFrame, impressions: pl.DataFrame | None = None,
                       min_impressions: int = 20, top: int = 1) -> dict[str, list[str]]:
    """A shop's own copy that earned its place: per product, the `top` variants by click
    rate (the `ctr` column, or clicks over impressions where it is null), among those
    shown at least `min_impressions` times when rates come from the log."""
    rates = copy.select("variant_id", "product_id", "text", "ctr")
    if impressions is not None and impressions.height:
        seen = impressions.group_by("copy_variant_id").agg(
            shown=pl.len(), clicks=pl.col("clicked").sum())
        rates = rates.join(seen, left_on="variant_id", right_on="copy_variant_id",
                           how="left").with_columns(
            ctr=pl.coalesce("ctr", pl.when(pl.col("shown") >= min_impressions)
                            .then(pl.col("clicks") / pl.col("shown"))))
    best = (rates.drop_nulls("ctr").sort("ctr", descending=True)
            .group_by("product_id", maintain_order=True).head(top))
    return {pid: texts for pid, texts in best.group_by("product_id").agg("text").iter_rows()}


def history_examples(ctx: ShopContext, history: dict[str, list[str]],
                     kind: CopyKind = CopyKind.ad_copy, source: str = "historical",
                     locale: str = DEFAULT_LOCALE) -> list[dict]:
    """Examples from historical (or human) copy: the shop's best copy per product, for
    a shopper we know nothing about; copy that fails the guardrails is left out."""
    out = []
    for pid, texts in history.items():
        if pid not in ctx._rows:
            continue
        request = CopyRequest(profile=ShopperProfile.cold("anonymous"), product=ctx.facts(pid),
                              kind=kind, locale=locale)
        for c in check_candidates(request, texts, source, ctx.vocabulary):
            if c.kept:
                out.append({"messages": build_messages(request), "completion": c.text,
                            "source": source})
    return out


def human_examples(tables: dict[str, pl.DataFrame],
                   kind: CopyKind = CopyKind.description) -> list[dict]:
    """Examples from human copy in the AdvertiseGen layout (`data.advertisegen`: a
    product's attributes and the copy a person wrote for them), checked by the same
    guardrails against those products' own facts; the copy's locale is the prompt's."""
    products, copy = tables["products"], tables["copy"]
    ctx = ShopContext(products, pl.DataFrame())
    out = []
    for (locale,), rows in copy.group_by("locale", maintain_order=True):
        texts = rows.group_by("product_id", maintain_order=True).agg("text")
        out += history_examples(ctx, dict(texts.iter_rows()), kind, "human", locale)
    return out
