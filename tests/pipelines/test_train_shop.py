"""`adcraft train --shop` end to end on a small shop's own files: ingest through the
mappings, features, a conversion model learnt from the shop's views, the index, a tiny
generator fine-tuned on the shop with its historical copy, the retrieval evaluation;
then the serving code answers for a known shopper and a new visitor of that shop."""

from __future__ import annotations

import asyncio
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from adcraft.registry import CHAMPION, Registry
from adcraft.settings import get_settings
from pipelines import train_shop

KINDS = [("Headphones", "boAt", "Rockerz {} Bluetooth On Ear Headphones with Mic, Black"),
         ("Cables", "Ambrane", "Unbreakable {} W Fast Charging USB Type C Cable, 1.5 m"),
         ("Kettles", "Prestige", "Electric Kettle PKOSS {} L Stainless Steel, Silver")]


def write_shop(folder: Path, seed: int = 3) -> Path:
    rng = random.Random(seed)
    data = folder / "data"
    data.mkdir()
    products = []
    for i in range(30):
        category, brand, title = KINDS[i % 3]
        products.append({"id": f"SKU{i:03d}", "name": f"{brand} {title.format(10 + i)}",
                         "price": f"₹{rng.randint(3, 40) * 100:,}",
                         "category": f"Electronics|{category}",
                         "about": f"Colour: Black|Warranty: 1 year|Model {10 + i}"})
    pl.DataFrame(products).write_csv(data / "products.csv")
    start = datetime(2024, 3, 1, tzinfo=UTC)
    events = []
    for s in range(60):
        taste = s % 3  # each shopper prefers one kind
        when = start + timedelta(hours=rng.randint(0, 24 * 20))
        for _ in range(rng.randint(6, 14)):
            kind = taste if rng.random() < 0.8 else rng.randrange(3)
            pid = f"SKU{rng.randrange(10) * 3 + kind:03d}"
            when += timedelta(minutes=rng.randint(1, 600))
            events.append((f"U{s:03d}", pid, "pv", when))
            if rng.random() < (0.5 if kind == taste else 0.1):
                events.append((f"U{s:03d}", pid, "addtocart", when + timedelta(minutes=2)))
                if rng.random() < 0.6:
                    events.append((f"U{s:03d}", pid, "buy", when + timedelta(minutes=5)))
    pl.DataFrame(events, schema=["user", "item", "action", "time"], orient="row").with_columns(
        pl.col("time").dt.strftime("%d/%m/%Y %H:%M")).write_csv(data / "events.csv")
    pl.DataFrame({"user": ["U000", "U001"], "item": ["SKU000", "SKU001"],
                  "stars": ["5", "2"], "body": ["Great sound, the battery lasts.",
                                                "The cable broke in a week. Flimsy."]}
                 ).write_csv(data / "reviews.csv")
    pl.DataFrame({"item": ["SKU000", "SKU002"], "line": [
        "boAt Rockerz 10 headphones with a mic, in black.",
        "A 1.5 L stainless steel kettle from Prestige."], "clicks": [9, 4], "shown": [100, 80]}
                 ).write_csv(data / "copy.csv")
    shop = folder / "shop.yaml"
    shop.write_text("""\
name: gadgets
currency: INR
locale: en-IN
catalogue:
  path: data/products.csv
  mapping: {product_id: id, title: name, price: price, category: [category],
            category_delimiter: "|", features: about}
events:
  path: data/events.csv
  mapping:
    shopper_id: user
    product_id: item
    event_type: action
    ts: time
    event_names: {pv: view, addtocart: cart, buy: purchase}
    timestamps: {format: "%d/%m/%Y %H:%M"}
reviews:
  path: data/reviews.csv
  mapping: {shopper_id: user, product_id: item, rating: stars, text: body}
copy:
  path: data/copy.csv
  mapping: {product_id: item, text: line, clicks: clicks, impressions: shown}
""")
    return shop


@pytest.fixture
def tiny_generator(home, tiny_model_dir, monkeypatch):
    monkeypatch.setenv("ADCRAFT_GENERATOR_MODEL_DIR", str(tiny_model_dir))
    get_settings.cache_clear()
    return tiny_model_dir


def test_train_a_shop_from_its_file_then_serve_it(home, ray_local, tiny_generator, tmp_path,
                                                  capsys):
    shop = write_shop(tmp_path)
    args = ["--shop", str(shop), "--trials", "1", "--copy-pairs", "4", "--eval-pairs", "2",
            "--epochs", "1"]
    assert train_shop.main(args) == 0
    out = capsys.readouterr().out
    registry = Registry()
    for model in ("adcraft-index-gadgets", "adcraft-conversion-gadgets", "adcraft-generator",
                  "adcraft-embedder"):
        assert registry.alias_version(model, CHAMPION) is not None, model
    assert re.search(r"with >= 2 facts\s+100.0%", out), out
    assert "gadgets" in out and "popularity" in out and "hr_at_10" in out  # HR@10 printed
    assert "serve it: adcraft serve --dataset gadgets" in out

    answers = serve_in_process("gadgets")
    known, visitor = answers
    assert len(known.items) == 3 and all(i.product_id.startswith("SKU") for i in known.items)
    assert known.segment != visitor.segment or visitor.items  # the visitor still gets items
    assert len(visitor.items) == 3


def test_a_bad_shop_file_stops_before_anything_is_written(home, tmp_path, caplog):
    shop = write_shop(tmp_path)
    shop.write_text(shop.read_text().replace("{format: \"%d/%m/%Y %H:%M\"}", "{epoch: s}"))
    assert train_shop.main(["--shop", str(shop)]) == 2
    assert "events.csv:2, row 1: field 'time'" in caplog.text
    assert not (home / "data" / "gadgets").exists()


def serve_in_process(dataset: str):
    """The serving code (ShopView, Ranker, ConversionScorer, the service) for `dataset`,
    in this process: what the Serve app's replicas load."""
    from adcraft.serving.components import ConversionScorer, QueryEmbedder, Ranker
    from adcraft.serving.feedback import FeedbackState
    from adcraft.serving.schemas import RecommendationRequest
    from adcraft.serving.service import LocalBackends, RecommendationService
    from adcraft.serving.stack import serving_for
    from adcraft.shopview import ShopView
    from adcraft.store.db import dispose_engines

    base = get_settings()
    settings = base.model_copy(update={"serving": serving_for(base, dataset)})
    assert settings.serving.conversion_model == f"adcraft-conversion-{dataset}"
    shop = ShopView.load(settings)
    backends = LocalBackends(QueryEmbedder.load(settings), Ranker.load(settings, shop),
                             ConversionScorer.load(settings, shop), None)
    service = RecommendationService(shop, backends, FeedbackState(settings.database_url),
                                    settings.serving)
    bodies = [{"shopper_id": "U001", "k": 3, "with_copy": False},
              {"context": {"query": "stainless steel kettle"}, "k": 3, "with_copy": False}]
    try:
        return [asyncio.run(service.recommend(RecommendationRequest(**b), f"r{i}"))
                for i, b in enumerate(bodies)]
    finally:
        dispose_engines()
