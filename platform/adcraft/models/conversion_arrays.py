"""The conversion model for one request, over arrays: `predict_shown` without copy text
(the ranking path), with every feature row encoded at load.

`ArrayScorer` encodes, once, each product's own features (price, category, brand,
facts, item statistics) and each shopper's traits, with the same `shown_rows` and
`TabularEncoder` that training and `predict_shown` use; a request gathers the rows of
its products, sets the shopper's traits and the five shopper x product features
(category and brand interest, liked and disliked facts, price against the shopper's
band), and makes one prediction. Rows with copy text go through `predict_shown`: copy
features read the text. `tests/adcraft/models/test_conversion_arrays.py` holds both
paths to the same probabilities.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from adcraft.models.conversion import ConversionModel, shown_rows

CROSS = ("category_interest", "brand_interest", "liked_overlap", "disliked_overlap",
         "price_vs_band")
NOBODY = "\x00no-shopper"  # a shopper id no table holds: rows of product features only


class ArrayScorer:
    def __init__(self, model: ConversionModel, products: pl.DataFrame,
                 profiles: pl.DataFrame | None = None, item_features: pl.DataFrame | None = None,
                 shoppers: pl.DataFrame | None = None):
        self.model = model
        columns = model.encoder.spec.columns
        self.at = {c: i for i, c in enumerate(columns)}
        ids = products["product_id"].cast(pl.String).to_list()
        self.code = {p: i for i, p in enumerate(ids)}
        rows = shown_rows([NOBODY] * len(ids), ids, [None] * len(ids), products, None,
                          item_features, shoppers)
        self.items = model.encoder.transform(rows)
        self.trait_cols = [i for c, i in self.at.items() if c.startswith("trait_")]
        self.traits: dict[str, np.ndarray] = {}
        if shoppers is not None and self.trait_cols and shoppers.height and ids:
            who = shoppers["shopper_id"].cast(pl.String).to_list()
            traits = model.encoder.transform(shown_rows(who, [ids[0]] * len(who),
                                                        [None] * len(who), products, None,
                                                        None, shoppers))
            self.traits = dict(zip(who, traits[:, self.trait_cols]))
        self.category = products.select(pl.col("category_path").list.join(" > "))
        self.category = self.category.to_series().to_list()
        self.brand = products["brand"].to_list()
        self.price = products["price"].cast(pl.Float64).to_numpy()
        self.facts = [set(v or []) for v in products.select(pl.col("attributes").list.eval(
            pl.element().struct.field("value").str.to_lowercase())).to_series().to_list()]
        self.profiles = {} if profiles is None else {
            r["shopper_id"]: ({c["name"]: c["weight"] for c in r["categories"] or []},
                              {b["name"]: b["weight"] for b in r["brands"] or []},
                              set(r["liked_attributes"] or []),
                              set(r["disliked_attributes"] or []),
                              (r["price_band"] or {}).get("median"))
            for r in profiles.select("shopper_id", "categories", "brands", "liked_attributes",
                                     "disliked_attributes", "price_band").iter_rows(named=True)}

    def known(self, product_ids: list[str]) -> bool:
        return all(p in self.code for p in product_ids)

    def matrix(self, shopper_id: str, product_ids: list[str]) -> np.ndarray:
        """The encoded rows of showing `product_ids` to `shopper_id` (no copy)."""
        codes = [self.code[p] for p in product_ids]
        x = self.items[codes].copy()
        traits = self.traits.get(shopper_id)
        if traits is not None:
            x[:, self.trait_cols] = traits
        profile = self.profiles.get(shopper_id)
        cols = [self.at.get(c) for c in CROSS]
        for row, code in enumerate(codes):
            values = self._cross(profile, code)
            for col, value in zip(cols, values):
                if col is not None:
                    x[row, col] = np.nan if value is None else value
        return x

    def _cross(self, profile, code: int) -> tuple[float | None, ...]:
        price = self.price[code]
        if profile is None:
            return None, None, None, None, None
        categories, brands, liked, disliked, band = profile
        facts = self.facts[code]
        return (categories.get(self.category[code], 0.0), brands.get(self.brand[code], 0.0),
                float(len(liked & facts)), float(len(disliked & facts)),
                None if band is None or np.isnan(price) else price / band)

    def predict(self, shopper_id: str, product_ids: list[str]) -> dict[str, np.ndarray]:
        return self.model.predict_matrix(self.matrix(shopper_id, product_ids))
