"""Offline next-item evaluation: hide each shopper's next product, recommend from what
came before, and score HR@K / NDCG@K over a full ranking of the catalogue.

Tasks:
- Amazon Reviews 2023 users (``../shared/data/amazon_reviews_2023_users``): the history
  of each line is known, its ``heldout`` product is the target (a shopper with lines in
  several categories has several targets); the catalogue is every product in the files.
- The synthetic shop: each shopper's last purchase is the target; their history stops
  where the session of that purchase starts (its views and cart would give it away).
"""

from __future__ import annotations

import itertools
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from adcraft.data.amazon import load_amazon_users
from adcraft.data.errors import DataError
from adcraft.eval.metrics import hit_rate_at_k, ndcg_at_k
from adcraft.retrieval.config import FusionConfig, FusionGrid, RetrievalConfig
from adcraft.retrieval.embeddings import embed_products
from adcraft.retrieval.history import shopper_history
from adcraft.retrieval.index import ProductIndex
from adcraft.retrieval.recall import (
    ContentRecall,
    CoOccurrenceRecall,
    FusedRanker,
    PopularityRecall,
    Recall,
)

log = logging.getLogger(__name__)

AMAZON_FILES = ("training.jsonl", "validation.jsonl")
FUSED_SOURCES = ("content", "collaborative", "popularity")  # FusedRanker's argument order


@dataclass
class NextItemTask:
    name: str
    products: pl.DataFrame  # the catalogue ranked in full
    events: pl.DataFrame  # what the recommenders may learn from
    heldout: pl.DataFrame  # (shopper_id, product_id): the targets
    timings: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        return (f"{self.name}: {self.products.height:,} products, {self.events.height:,} "
                f"events, {self.heldout['shopper_id'].n_unique():,} shoppers with a target")


def amazon_next_item(folder: str | Path) -> NextItemTask:
    """The Amazon users' files in `folder` as one task (both files, when present)."""
    folder = Path(folder)
    paths = [folder / name for name in AMAZON_FILES if (folder / name).is_file()]
    if not paths:
        raise DataError(folder, f"no {' or '.join(AMAZON_FILES)} here")
    loaded = [load_amazon_users(p) for p in paths]
    return NextItemTask(
        name="amazon_users",
        products=pl.concat([t["products"] for t in loaded]).unique("product_id", keep="first",
                                                                   maintain_order=True),
        events=pl.concat([t["events"] for t in loaded]),
        heldout=pl.concat([t["heldout"] for t in loaded]).select("shopper_id", "product_id")
        .unique(maintain_order=True),
    )


def hold_out_last_purchase(events: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(history, heldout): each shopper's last purchase is held out as (shopper_id,
    product_id), and their events from the start of its session on are dropped (from its
    time on, where events carry no session): a cart before a purchase gives it away."""
    last = (events.filter(pl.col("event_type") == "purchase")
            .sort("ts", "product_id").group_by("shopper_id", maintain_order=True).last())
    if last.is_empty():
        raise DataError("events", "no purchases to hold out", field="event_type")
    cut = last.select("shopper_id", cut="ts")
    if "session_id" in events.columns and last["session_id"].null_count() == 0:
        starts = events.group_by("session_id").agg(cut=pl.col("ts").min())
        cut = last.join(starts, on="session_id").select("shopper_id", "cut")
    history = (events.join(cut, on="shopper_id", how="left")
               .filter(pl.col("cut").is_null() | (pl.col("ts") < pl.col("cut"))).drop("cut"))
    return history, last.select("shopper_id", "product_id").sort("shopper_id")


def synthetic_next_item(tables: dict[str, pl.DataFrame], name: str = "synthetic"
                        ) -> NextItemTask:
    """Hold out each shopper's last purchase and everything from its session on."""
    history, heldout = hold_out_last_purchase(tables["events"])
    return NextItemTask(name=name, products=tables["products"], events=history,
                        heldout=heldout)


def dataset_next_item(tables: dict[str, pl.DataFrame], name: str) -> NextItemTask:
    """An ingested dataset: its own held-out table where its export has one (the Amazon
    users' `heldout`), else each shopper's last purchase held out."""
    heldout = tables.get("heldout")
    if heldout is None or heldout.height == 0:
        return synthetic_next_item(tables, name)
    return NextItemTask(name=name, products=tables["products"], events=tables["events"],
                        heldout=heldout.select("shopper_id", "product_id")
                        .unique(maintain_order=True))


def standard_methods(task: NextItemTask, index: ProductIndex,
                     config: RetrievalConfig | None = None) -> dict[str, Recall]:
    """The baselines and the fused ranker, sharing their parts: popularity, segment
    popularity, collaborative, content and fused."""
    config = config or RetrievalConfig()
    exclude = config.exclude
    segment = PopularityRecall(task.products, config.popularity, segmented=True,
                               exclude=exclude)
    collaborative = CoOccurrenceRecall(config.collaborative, exclude=exclude)
    content = ContentRecall(index, exclude=exclude)
    methods: list[Recall] = [
        PopularityRecall(task.products, config.popularity, segmented=False, exclude=exclude),
        segment, collaborative, content,
        FusedRanker(content, collaborative, segment, config.fusion),
    ]
    return {m.name: m for m in methods}


def score_rankings(recommended: pl.DataFrame, heldout: pl.DataFrame, k: int
                   ) -> dict[str, float]:
    """HR@k and NDCG@k of per-shopper rankings against each shopper's held-out set."""
    targets = heldout.group_by("shopper_id", maintain_order=True).agg(
        relevant=pl.col("product_id"))
    ranked = recommended.group_by("shopper_id", maintain_order=True).agg(
        ranked=pl.col("product_id"))
    rows = targets.join(ranked, on="shopper_id", how="left", maintain_order="left")
    lists = [r or [] for r in rows["ranked"].to_list()]
    relevant = [set(r) for r in rows["relevant"].to_list()]
    return {f"hr_at_{k}": hit_rate_at_k(lists, relevant, k),
            f"ndcg_at_{k}": ndcg_at_k(lists, relevant, k)}


def evaluate_methods(task: NextItemTask, methods: dict[str, Recall], k: int = 10
                     ) -> pl.DataFrame:
    """One row per method: dataset, method, hr_at_k, ndcg_at_k, shoppers, seconds."""
    history = shopper_history(task.events)
    shoppers = task.heldout.get_column("shopper_id").unique(maintain_order=True)
    rows = []
    for name, method in methods.items():
        started = time.perf_counter()
        method.fit(history)
        recommended = method.recommend(shoppers, history, k)
        seconds = time.perf_counter() - started
        scores = score_rankings(recommended, task.heldout, k)
        log.info("%s / %s: %s in %.2f s", task.name, name,
                 ", ".join(f"{m} {v:.4f}" for m, v in scores.items()), seconds)
        rows.append({"dataset": task.name, "method": name, **scores,
                     "shoppers": len(shoppers), "seconds": round(seconds, 3)})
    return pl.DataFrame(rows)


def tune_fusion(task: NextItemTask, fused: FusedRanker, grid: FusionGrid, k: int = 10
                ) -> tuple[FusionConfig, pl.DataFrame]:
    """The fusion weights of `grid` with the best NDCG@k on a validation split carved
    out of the task's own history (each shopper's last purchase before the target), so
    the target is never looked at. Returns the best config and every try."""
    history_events, heldout = hold_out_last_purchase(task.events)
    history = shopper_history(history_events)
    shoppers = heldout.get_column("shopper_id")
    fused.fit(history)
    candidates = fused.candidates(shoppers, history)
    tries = []
    for weights in itertools.product(grid.content, grid.collaborative, grid.popularity):
        config = fused.config.model_copy(update=dict(zip(FUSED_SOURCES, weights)))
        scores = score_rankings(fused.fuse(candidates, shoppers, k, config), heldout, k)
        tries.append({**dict(zip(FUSED_SOURCES, weights)), **scores})
    table = pl.DataFrame(tries).sort(f"ndcg_at_{k}", descending=True, maintain_order=True)
    best = fused.config.model_copy(update={s: table[s][0] for s in FUSED_SOURCES})
    log.info("%s: tuned fusion on %d validation shoppers: %s (NDCG@%d %.4f)", task.name,
             len(shoppers), {s: getattr(best, s) for s in FUSED_SOURCES}, k,
             table[f"ndcg_at_{k}"][0])
    return best, table


def evaluate_task(task: NextItemTask, config: RetrievalConfig | None = None, k: int = 10,
                  embedder=None, tune: bool = False) -> pl.DataFrame:
    """Embed the task's catalogue, index it, and compare the standard methods; with
    `tune`, also the fused ranker with weights tuned on a validation split."""
    config = config or RetrievalConfig()
    log.info("%s", task.describe())
    started = time.perf_counter()
    embeddings = embed_products(task.products, embedder, config.embedding)
    task.timings["embed_s"] = time.perf_counter() - started
    index = ProductIndex.build(embeddings, config.index)
    task.timings["index_s"] = index.meta["build_s"]
    methods = standard_methods(task, index, config)
    if tune:
        fused = methods["fused"]
        best, _ = tune_fusion(task, fused, config.grid, k)
        tuned = FusedRanker(*(fused.sources[s] for s in FUSED_SOURCES), best)
        tuned.name = "fused_tuned"
        methods[tuned.name] = tuned
    return evaluate_methods(task, methods, k)
