"""One recommendation, end to end: embed the search (if any), rank, score p(convert),
write copy for the top items, let the guardrails and the bandit pick what is shown, and
remember what was shown for feedback. The Serve Ingress runs this with deployment
handles as its backends; the bench and the tests run it with the models in process."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Protocol

from adcraft.content.prompts import build_messages
from adcraft.content.request import CopyRequest, ProductFacts
from adcraft.features.profiles import segment_of
from adcraft.serving.approved import ApprovedCopy
from adcraft.serving.components import (
    ConversionScorer,
    CopyWriter,
    Embedded,
    Generated,
    QueryEmbedder,
    Ranked,
    Ranker,
    RankQuery,
    Scored,
)
from adcraft.serving.copy_choice import choose_copy
from adcraft.serving.feedback import (
    FeedbackState,
    ServedWriter,
    UnknownReference,
    served_record,
)
from adcraft.serving.review import ReviewService
from adcraft.serving.schemas import (
    CopyBody,
    CopyOut,
    CopyResponse,
    FeedbackBody,
    FeedbackResponse,
    RecommendationRequest,
    RecommendationResponse,
    RecommendedItem,
)
from adcraft.settings import ServingSettings
from adcraft.shopview import ShopView

log = logging.getLogger(__name__)
UNAVAILABLE = "unavailable"
COMPONENTS = ("embedder", "ranker", "conversion", "generator")


class Backends(Protocol):
    """The four models, wherever they run."""

    async def embed(self, texts: list[str]) -> Embedded: ...
    async def rank(self, query: RankQuery) -> Ranked: ...
    async def score(self, shopper_id: str, product_ids: list[str]) -> Scored: ...
    async def generate(self, messages: list[dict], n: int) -> Generated: ...
    async def reload(self, component: str) -> str: ...


class NotReloadable(RuntimeError):
    """Models built in this process reload by being built again: 409."""


class DependencyError(RuntimeError):
    """A model the answer cannot do without (ranker, conversion) failed: 503."""


class LocalBackends:
    """The models called in this process (the bench's baseline, and the tests')."""

    def __init__(self, embedder: QueryEmbedder, ranker: Ranker, conversion: ConversionScorer,
                 writer: CopyWriter | None):
        self.embedder, self.ranker, self.conversion, self.writer = (embedder, ranker,
                                                                    conversion, writer)

    async def embed(self, texts: list[str]) -> Embedded:
        return self.embedder.embed(texts)

    async def rank(self, query: RankQuery) -> Ranked:
        return self.ranker.rank(query)

    async def score(self, shopper_id: str, product_ids: list[str]) -> Scored:
        return self.conversion.score(shopper_id, product_ids)

    async def generate(self, messages: list[dict], n: int) -> Generated:
        if self.writer is None:
            raise RuntimeError("no generator loaded")
        return Generated(variants=self.writer.generate([messages], n)[0],
                         version=self.writer.version)

    async def reload(self, component: str) -> str:
        raise NotReloadable("models served in process reload by being built again; "
                            "/admin/reload reloads Serve replicas")


class RecommendationService:
    def __init__(self, shop: ShopView, backends: Backends, feedback: FeedbackState,
                 settings: ServingSettings, approved: ApprovedCopy | None = None,
                 review: ReviewService | None = None):
        """`approved`: copy approved in the store, shown before anything is generated;
        `review`: the review API's service (both None: no copy store)."""
        self.shop, self.backends, self.feedback, self.settings = (shop, backends, feedback,
                                                                  settings)
        self.approved, self.review = approved, review
        self.served = ServedWriter(feedback)

    def _deadline(self) -> float:
        return time.monotonic() + self.settings.request_deadline_s

    async def _required(self, what: str, call, deadline: float):
        """`call`'s result, or DependencyError (503) if it fails or is still waiting at
        `deadline` (a queue behind a busy replica): then it is cancelled, so an expired
        request does not take a replica's time from the next one."""
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError
            async with asyncio.timeout(left):  # no task of its own, as wait_for makes
                return await call
        except TimeoutError as exc:
            if asyncio.iscoroutine(call):
                call.close()  # never awaited: nothing was sent
            log.warning("%s: past the request deadline (%.1f s)", what,
                        self.settings.request_deadline_s)
            raise DependencyError(f"the {what} did not answer within the request deadline "
                                  f"({self.settings.request_deadline_s:g} s): overloaded, "
                                  "retry shortly") from exc
        except Exception as exc:  # noqa: BLE001 - any failure of a dependency is a 503
            log.warning("%s failed: %s", what, type(exc).__name__)
            raise DependencyError(f"the {what} is unavailable; retry shortly") from exc

    async def _generate(self, requests: list[CopyRequest]) -> tuple[list[list[str] | None],
                                                                     str]:
        """Variants per request, None where the generator failed; all None on timeout."""
        want = self.settings.selection.candidates
        calls = [self.backends.generate(build_messages(r), want(r.n_variants)) for r in requests]
        try:
            results = await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True),
                                             self.settings.generator_timeout_s)
        except TimeoutError:
            log.warning("generator timed out after %.1fs: template copy",
                        self.settings.generator_timeout_s)
            return [None] * len(requests), UNAVAILABLE
        out, version = [], UNAVAILABLE
        for result in results:
            if isinstance(result, BaseException):
                log.warning("generator failed: %s", type(result).__name__)
                out.append(None)
            else:
                out.append(result.variants)
                version = result.version
        return out, version

    async def _remember(self, *served) -> None:
        """What was served, into the event log before the answer goes out: a commit off
        the event loop, shared with the requests served meanwhile (`ServedWriter`)."""
        await self.served.write(served_record(*served))

    def _choose(self, segment: str):
        return lambda variants: self.feedback.choose(segment, list(variants))

    def _approved(self, request: CopyRequest, segment: str) -> list[CopyOut]:
        if self.approved is None:
            return []
        return self.approved.variants(request.product.product_id, segment,
                                      request.kind.value, request.locale)

    def _choose_reviewed(self, variants: list[CopyOut], segment: str) -> CopyOut:
        """The bandit's pick among approved variants, with its probability."""
        index, probability = self.feedback.choose(segment, [v.variant_id for v in variants])
        return variants[index].model_copy(update={"propensity": probability})

    async def recommend(self, body: RecommendationRequest, request_id: str
                        ) -> RecommendationResponse:
        started, deadline = time.perf_counter(), self._deadline()
        shopper_id = body.shopper_id or f"anon-{request_id}"
        versions: dict[str, str] = {}
        vector = None
        if body.context and body.context.query:
            embedded = await self._required("embedder", self.backends.embed(
                [body.context.query]), deadline)
            vector, versions["embedder"] = embedded.vectors[0], embedded.version
        depth = body.k * self.settings.rerank_candidates
        ranked = await self._required("ranker", self.backends.rank(RankQuery(
            shopper_id=shopper_id, k=depth, query_vector=vector,
            recent=self.feedback.recent_activity(shopper_id))), deadline)
        scored = await self._required("conversion model", self.backends.score(
            shopper_id, ranked.product_ids), deadline)
        versions |= {"ranker": ranked.version, "conversion": scored.version}
        p = [c if c is not None else k for c, k in zip(scored.p_convert, scored.p_click)]
        order = sorted(range(len(p)), key=lambda i: (-(p[i] or 0.0), -ranked.scores[i]))
        order = order[:body.k]
        profile = self.shop.profile(shopper_id)
        segment = segment_of(profile, body.context.category if body.context else None)
        items = [RecommendedItem(product_id=ranked.product_ids[i],
                                 title=self.shop.title(ranked.product_ids[i]),
                                 score=ranked.scores[i], p_click=scored.p_click[i],
                                 p_convert=scored.p_convert[i]) for i in order]
        degraded = False
        if body.with_copy and items:
            requests = [CopyRequest(profile=profile, product=self.shop.facts(it.product_id),
                                    kind=body.kind, n_variants=body.variants) for it in items]
            reviewed = [self._approved(r, segment) for r in requests]
            live = [i for i, r in enumerate(reviewed) if not r and self.settings.live_generation]
            # [] where nothing is generated: template copy stands in, not "unavailable"
            generated: list[list[str] | None] = [[] for _ in requests]
            if live:
                texts, versions["generator"] = await self._generate([requests[i] for i in live])
                for i, variants in zip(live, texts):
                    generated[i] = variants
                degraded = any(generated[i] is None for i in live)
            for item, request, variants, shown in zip(items, requests, generated, reviewed):
                item.copy_ = (self._choose_reviewed(shown, segment) if shown else choose_copy(
                    request, variants, self.shop.vocabulary, self._choose(segment),
                    self.settings.selection)[0])
        await self._remember(request_id, shopper_id, segment,
                             body.kind.value if body.with_copy else None,
                             [_served(it, position) for position, it in
                              enumerate(items, start=1)])
        log.debug("request %s: %d items, copy=%s, degraded=%s, %.0f ms", request_id, len(items),
                 body.with_copy, degraded, 1000 * (time.perf_counter() - started))
        return RecommendationResponse(request_id=request_id, shopper_id=shopper_id,
                                      cold_start=ranked.cold_start, segment=segment,
                                      items=items, degraded=degraded, model_versions=versions)

    async def copy(self, body: CopyBody, request_id: str) -> CopyResponse:
        product = body.product or self._product(body.product_id)
        profile = body.profile or self.shop.profile(body.shopper_id or f"anon-{request_id}")
        if body.profile is not None and body.shopper_id:
            profile = profile.model_copy(update={"shopper_id": body.shopper_id})
        request = CopyRequest(profile=profile, product=product, kind=body.kind,
                              n_variants=body.variants)
        segment = segment_of(profile)
        reviewed = [] if body.product is not None else self._approved(request, segment)
        if reviewed:  # approved copy for this product and segment: no generation
            chosen = self._choose_reviewed(reviewed, segment)
            await self._remember(request_id, profile.shopper_id, segment, body.kind.value,
                                 [_served_copy(product.product_id, chosen, 1)])
            return CopyResponse(request_id=request_id, product_id=product.product_id,
                                copy=chosen, variants=reviewed[:body.variants], degraded=False,
                                model_versions={"copy": "store"})
        if self.settings.live_generation or body.product is not None:
            generated, version = await self._generate([request])
        else:  # only approved copy, and none here: template copy stands in
            generated, version = [[]], UNAVAILABLE
        chosen, kept = choose_copy(request, generated[0], self.shop.vocabulary,
                                   self._choose(segment), self.settings.selection)
        await self._remember(request_id, profile.shopper_id, segment, body.kind.value,
                             [_served_copy(product.product_id, chosen, 1)])
        return CopyResponse(request_id=request_id, product_id=product.product_id, copy=chosen,
                            variants=kept, degraded=generated[0] is None,
                            model_versions={"generator": version})

    async def preview(self, product_id: str, segment: str, kind: str, locale: str,
                      candidates: int, propose: bool) -> dict:
        """A marketer's preview: the generator writes for a product and a segment now,
        whatever the settings say of live generation, and each candidate comes back with
        the gate's verdict (into the review queue too, with `propose`). No shopper sees
        it, so nothing goes to the event log."""
        if self.review is None:
            raise DependencyError("this service was started without a copy store")
        request = await asyncio.to_thread(self.review.preview_request, product_id, segment,
                                          kind, locale)
        try:
            result = await asyncio.wait_for(self.backends.generate(
                build_messages(request), candidates), self.settings.generator_timeout_s)
        except Exception as exc:  # noqa: BLE001 - a preview needs the generator
            log.warning("preview: generator failed: %s", type(exc).__name__)
            raise DependencyError("the generator is unavailable; retry shortly") from exc
        variants = await asyncio.to_thread(self.review.preview, request, segment,
                                           result.variants, result.version, propose)
        return {"product_id": product_id, "segment": segment, "kind": kind, "locale": locale,
                "generator_version": result.version, "proposed": propose,
                "variants": variants}

    def _product(self, product_id: str | None) -> ProductFacts:
        if product_id is None or not self.shop.has_product(product_id):
            raise UnknownReference("product_id", "unknown product")
        return self.shop.facts(product_id)

    async def record_feedback(self, body: FeedbackBody, request_id: str) -> FeedbackResponse:
        arm = await asyncio.to_thread(self.feedback.record_feedback, body)  # fsync off-loop
        return FeedbackResponse(request_id=request_id, accepted=True, arm=arm)

    async def reload(self, component: str) -> dict[str, str]:
        names = COMPONENTS if component == "all" else (component,)
        return {name: await self.backends.reload(name) for name in names}


def _served(item: RecommendedItem, position: int) -> dict:
    return _served_copy(item.product_id, item.copy_, position)


def _served_copy(product_id: str, copy: CopyOut | None, position: int) -> dict:
    return {"product_id": product_id, "position": position,
            "variant_id": copy.variant_id if copy else None,
            "copy_text": copy.text if copy else None, "source": copy.source if copy else None,
            "propensity": copy.propensity if copy else None}
