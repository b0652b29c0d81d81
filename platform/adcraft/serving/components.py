"""The four models a recommendation passes through, each loadable from the registry
(by alias) and callable in process. The Serve deployments hold one each; the bench and
the tests call them directly. What travels between them is plain pydantic data."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import numpy as np
import polars as pl
from pydantic import BaseModel

from adcraft.data.schemas import EventType
from adcraft.models.conversion import ConversionModel, predict_shown
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
    load_latest_index,
    shopper_history,
)
from adcraft.retrieval.index import latest_index_run
from adcraft.serving.shop import Shop
from adcraft.settings import Settings

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


class Ranker:
    """Fused retrieval (content + co-occurrence + segment popularity) over the dataset's
    history and the newest product index in MLflow; recent feedback joins the shopper's
    history for their request."""

    def __init__(self, index: ProductIndex, shop: Shop, version: str,
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
        self.events = {key[0]: part for key, part in
                       events.partition_by("shopper_id", as_dict=True).items()}
        self._columns = events.schema

    @classmethod
    def load(cls, settings: Settings, shop: Shop | None = None) -> Ranker:
        registry = Registry(settings)
        dataset = settings.serving.dataset
        run = latest_index_run(registry, dataset)
        index = load_latest_index(dataset, registry)
        return cls(index, shop or Shop.load(settings), f"index-run-{run.info.run_id[:12]}")

    def warm_up(self) -> None:
        """One ranking before the first request: its first call builds caches (seconds)."""
        self.rank(RankQuery(shopper_id=next(iter(self.events), "warm-up"), k=1))

    def _events(self, shopper_id: str, recent: list[dict[str, Any]]) -> pl.DataFrame:
        stored = self.events.get(shopper_id)
        if not recent:
            return stored if stored is not None else pl.DataFrame(schema=self._columns)
        fresh = pl.DataFrame(
            [{"shopper_id": shopper_id, "product_id": r["product_id"],
              "event_type": r["event_type"], "ts": r["ts"]} for r in recent],
            schema_overrides={"ts": pl.String, "event_type": pl.String},
        ).with_columns(ts=pl.col("ts").str.to_datetime(time_zone="UTC", time_unit="us"),
                       event_type=pl.col("event_type").cast(EventType)).cast(self._columns)
        return fresh if stored is None else pl.concat([stored, fresh])

    def rank(self, q: RankQuery) -> Ranked:
        events = self._events(q.shopper_id, q.recent)
        history = shopper_history(events, as_of=datetime.now(UTC))
        ids = pl.Series("shopper_id", [q.shopper_id])
        candidates = self.ranker.candidates(ids, history)
        if q.query_vector is not None:  # a search says more than a vector of the past
            found = self.index.neighbours(np.asarray([q.query_vector], np.float32),
                                          self.config.fusion.candidates)
            candidates["content"] = found.select(
                shopper_id=pl.lit(q.shopper_id), product_id="product_id",
                score=pl.col("score").cast(pl.Float64))
        top = self.ranker.fuse(candidates, ids, q.k)
        return Ranked(product_ids=top["product_id"].to_list(), scores=top["score"].to_list(),
                      cold_start=history.height == 0, version=self.version)


class ConversionScorer:
    """p(click) and p(convert) of showing products to a shopper (in position 1), from the
    conversion model's champion and the same features it was trained on."""

    def __init__(self, model: ConversionModel, shop: Shop, version: str):
        self.model, self.shop, self.version = model, shop, version

    @classmethod
    def load(cls, settings: Settings, shop: Shop | None = None) -> ConversionScorer:
        s = settings.serving
        pyfunc, version = Registry(settings).load_champion(
            s.conversion_model, s.alias, "python -m pipelines.tune_conversion")
        return cls(native_model(pyfunc), shop or Shop.load(settings),
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
        shop = self.shop
        p = predict_shown(self.model, shoppers, products, [None] * n, shop.products,
                          shop.profiles, shop.item_features, shop.shoppers)
        click = p["p_click"].to_list() if "p_click" in p.columns else [None] * n
        convert = p["p_convert"].to_list() if "p_convert" in p.columns else [None] * n
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
