"""One view of a shop: its catalogue, its shoppers' profiles and traits, item features
and behaviour, read once, with personal data (names, emails) dropped on the way in.
Serving answers for one (`ShopView.load`); the copy recipes draw requests from one and
score copy against it (`content.bestofn.ShopContext` adds the models that score)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import polars as pl

from adcraft.content.claims import FactVocabulary
from adcraft.content.request import ProductFacts
from adcraft.data.io import read_tables
from adcraft.data.schemas import empty
from adcraft.data.sources import dataset_dir
from adcraft.features.profiles import Interest, ShopperProfile, popular_categories
from adcraft.settings import Settings

PERSONAL_COLUMNS = ("name", "email")  # never held by a serving replica


@dataclass
class ShopView:
    products: pl.DataFrame
    profiles: pl.DataFrame
    item_features: pl.DataFrame | None = None
    shoppers: pl.DataFrame | None = None  # traits only
    events: pl.DataFrame = field(default_factory=lambda: empty("events"))

    @classmethod
    def load(cls, settings: Settings) -> ShopView:
        folder = dataset_dir(settings.serving.dataset, settings)
        if not (folder / "tables").is_dir():
            raise FileNotFoundError(f"no tables at {folder / 'tables'}: run `python -m "
                                    f"pipelines.ingest {settings.serving.dataset}` first")
        tables = read_tables(folder / "tables")
        features = read_tables(folder / "features") if (folder / "features").is_dir() else {}
        shoppers = tables.get("shoppers")
        if shoppers is not None:
            shoppers = shoppers.drop([c for c in PERSONAL_COLUMNS if c in shoppers.columns])
        if "profiles" not in features:
            raise FileNotFoundError(f"no profiles at {folder / 'features'}: run `python -m "
                                    f"pipelines.build_features {settings.serving.dataset}`")
        return cls(tables["products"], features["profiles"], features.get("item_features"),
                   shoppers, tables["events"] if "events" in tables else empty("events"))

    @cached_property
    def vocabulary(self) -> FactVocabulary:
        return FactVocabulary.from_products(self.products)

    @cached_property
    def _rows(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.products["product_id"])}

    @cached_property
    def _profile_rows(self) -> dict[str, int]:
        if "shopper_id" not in self.profiles.columns:  # a catalogue with no shoppers yet
            return {}
        return {sid: i for i, sid in enumerate(self.profiles["shopper_id"])}

    @cached_property
    def popular(self) -> list[Interest]:
        return popular_categories(self.profiles) if self._profile_rows else []

    def has_product(self, product_id: str) -> bool:
        return product_id in self._rows

    def facts(self, product_id: str) -> ProductFacts:
        return ProductFacts.from_row(self.products.row(self._rows[product_id], named=True))

    @cached_property
    def _titles(self) -> list[str | None]:
        return self.products["title"].to_list()

    def title(self, product_id: str) -> str:
        """`facts(product_id).title` without building the facts: "" where there is none."""
        return self._titles[self._rows[product_id]] or ""

    def profile(self, shopper_id: str) -> ShopperProfile:
        """The shopper's profile; an unknown shopper is a cold start, not an error."""
        row = self._profile_rows.get(shopper_id)
        if row is None:
            return ShopperProfile.cold(shopper_id, self.popular)
        return ShopperProfile.model_validate(self.profiles.row(row, named=True))
