"""The four models a recommendation passes through, each loadable from the registry
(by alias) and callable in process. The Serve deployments hold one each; the bench and
the tests call them directly. What travels between them is plain pydantic data."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import numpy as np
from pydantic import BaseModel

from adcraft.models.conversion import ConversionModel, predict_shown
from adcraft.models.conversion_arrays import ArrayScorer
from adcraft.models.conversion_pyfunc import native_model
from adcraft.models.embedder_pyfunc import native_embedder
from adcraft.models.generator import CopyGenerator, GenerationSettings
from adcraft.models.generator_pyfunc import native_generator
from adcraft.registry import Registry
from adcraft.retrieval import (
    ContentRecall,
    CoOccurrenceRecall,
    FusedRanker,
    PopularityRecall,
    ProductIndex,
    RetrievalConfig,
    load_index,
    shopper_history,
)
from adcraft.retrieval.arrays import ArrayRanker
from adcraft.settings import Settings
from adcraft.shopview import ShopView

log = logging.getLogger(__name__)


class RankQuery(BaseModel):
    shopper_id: str
    k: int
    recent: list[dict[str, Any]] = []  # feedback events since the tables were built
    query_vector: list[float] | None = None


class Ranked(BaseModel):
    product_ids: list[str]
    scores: list[float]
    cold_start: bool
    version: str


class Scored(BaseModel):
    p_click: list[float | None]
    p_convert: list[float | None]
    version: str


class Embedded(BaseModel):
    vectors: list[list[float]]
    version: str


class Generated(BaseModel):
    variants: list[str]
    version: str


class QueryEmbedder:
    """Search text -> a unit vector in the product index's space."""

    def __init__(self, model, version: str):
        self.model, self.version = model, version

    @classmethod
    def load(cls, settings: Settings) -> QueryEmbedder:
        s = settings.serving
        pyfunc, version = Registry(settings).load_champion(
            s.embedder_model, s.alias, "python -m pipelines.build_index")
        return cls(native_embedder(pyfunc), f"{s.embedder_model}/{version}")

    def embed(self, texts: list[str]) -> Embedded:
        vectors = self.model.encode(texts, convert_to_numpy=True, normalize_embeddings=True,
                                    show_progress_bar=False)
        return Embedded(vectors=vectors.astype(np.float32).tolist(), version=self.version)

    def warm_up(self) -> None:
        """The first forward pass (torch's threads, the tokenizer) is slow: make it at load."""
        self.embed(["warm-up"])


class Ranker:
    """Fused retrieval (content + co-occurrence + segment popularity) over the dataset's
    history and the newest product index in MLflow; recent feedback joins the shopper's
    history for their request. Fitted with polars at load, a request runs over arrays
    (`retrieval.arrays.ArrayRanker`: the same ranking, in well under a millisecond)."""

    def __init__(self, index: ProductIndex, shop: ShopView, version: str,
                 config: RetrievalConfig | None = None):
        self.config = config or RetrievalConfig()
        self.index, self.version = index, version
        c = self.config
        self.popularity = PopularityRecall(shop.products, c.popularity, exclude=c.exclude)
        self.ranker = FusedRanker(ContentRecall(index, c.exclude),
                                  CoOccurrenceRecall(c.collaborative, c.exclude),
                                  self.popularity, c.fusion)
        events = shop.events.select("shopper_id", "product_id", "event_type", "ts")
        self.ranker.fit(shopper_history(events))
        self.arrays = ArrayRanker.of(self.ranker, events)  # a request reads arrays only

    @classmethod
    def load(cls, settings: Settings, shop: ShopView | None = None) -> Ranker:
        s = settings.serving
        index, version = load_index(s.dataset, Registry(settings), s.alias)
        return cls(index, shop or ShopView.load(settings), f"{s.index_model}/{version}")

    def warm_up(self) -> None:
        """One ranking before the first request (first calls fill numpy's caches)."""
        self.rank(RankQuery(shopper_id=next(iter(self.arrays.events), "warm-up"), k=1))

    def rank(self, q: RankQuery) -> Ranked:
        query = None if q.query_vector is None else np.asarray(q.query_vector, np.float32)
        ids, scores, cold = self.arrays.rank(q.shopper_id, q.k, q.recent, datetime.now(UTC),
                                             query)
        return Ranked(product_ids=ids, scores=scores, cold_start=cold, version=self.version)


class ConversionScorer:
    """p(click) and p(convert) of showing products to a shopper (in position 1), from the
    conversion model's champion and the same features it was trained on, gathered from
    rows encoded at load (`models.conversion_arrays.ArrayScorer`)."""

    def __init__(self, model: ConversionModel, shop: ShopView, version: str):
        self.model, self.shop, self.version = model, shop, version
        # every product's and shopper's rows encoded once: a request gathers and predicts
        self.arrays = ArrayScorer(model, shop.products, shop.profiles, shop.item_features,
                                  shop.shoppers)

    @classmethod
    def load(cls, settings: Settings, shop: ShopView | None = None) -> ConversionScorer:
        s = settings.serving
        pyfunc, version = Registry(settings).load_champion(
            s.conversion_model, s.alias, "python -m pipelines.tune_conversion")
        return cls(native_model(pyfunc), shop or ShopView.load(settings),
                   f"{s.conversion_model}/{version}")

    def score(self, shopper_id: str, product_ids: list[str]) -> Scored:
        return self.score_many([(shopper_id, product_ids)])[0]

    def warm_up(self) -> None:
        """One prediction before the first request (feature build and booster caches)."""
        shopper = self.shop.profiles["shopper_id"][0] if self.shop.profiles.height else "x"
        self.score(shopper, self.shop.products["product_id"].head(1).to_list())

    def score_many(self, asks: list[tuple[str, list[str]]]) -> list[Scored]:
        """Many (shopper, products) asks through one feature build and one predict."""
        shoppers = [s for s, pids in asks for _ in pids]
        products = [p for _, pids in asks for p in pids]
        n = len(products)
        if n == 0:
            return [Scored(p_click=[], p_convert=[], version=self.version) for _ in asks]
        if self.arrays.known(products):
            p = self.model.predict_matrix(np.vstack([self.arrays.matrix(s, pids)
                                                     for s, pids in asks if pids]))
        else:  # a product the shop's tables do not hold: its features are unknown
            shop = self.shop
            p = predict_shown(self.model, shoppers, products, [None] * n, shop.products,
                              shop.profiles, shop.item_features, shop.shoppers).to_dict()
        click = list(p["p_click"]) if "p_click" in p else [None] * n
        convert = list(p["p_convert"]) if "p_convert" in p else [None] * n
        out, start = [], 0
        for _, pids in asks:
            stop = start + len(pids)
            out.append(Scored(p_click=click[start:stop], p_convert=convert[start:stop],
                              version=self.version))
            start = stop
        return out


class CopyWriter:
    """The copy generator's champion: many prompts per forward pass."""

    def __init__(self, generator: CopyGenerator, version: str,
                 settings: GenerationSettings | None = None):
        self.generator, self.version = generator, version
        self.settings = settings or GenerationSettings()

    @classmethod
    def load(cls, settings: Settings) -> CopyWriter:
        s = settings.serving
        pyfunc, version = Registry(settings).load_champion(
            s.generator_model, s.alias, "python -m pipelines.finetune_generator")
        return cls(native_generator(pyfunc), f"{s.generator_model}/{version}",
                   GenerationSettings(max_new_tokens=s.max_new_tokens, seed=settings.seed))

    def warm_up(self) -> None:
        """A two-token generation before the first request: the first forward pass is
        several times slower than the rest."""
        quick = self.settings.model_copy(update={"max_new_tokens": 2})
        self.generator.generate([[{"role": "user", "content": "Say hello."}]], n=1,
                                settings=quick)

    def generate(self, conversations: list[list[dict]], n: int) -> list[list[str]]:
        batch = self.settings.model_copy(update={"batch_prompts": max(len(conversations), 1)})
        return self.generator.generate(conversations, n=n, settings=batch)

    @property
    def generated_tokens(self) -> int:
        return self.generator.generated_tokens
