"""The synthetic shop: the embedded default data set and the test bed whose ground
truth (tastes, click probabilities) is known. Deterministic by seed: each part draws
from its own stream, so a bigger event log does not change the catalogue."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

import numpy as np
import polars as pl

from adcraft.data.synthetic.behaviour import simulate_sessions
from adcraft.data.synthetic.catalogue import build_catalogue
from adcraft.data.synthetic.clicks import ClickModel
from adcraft.data.synthetic.impressions import log_impressions
from adcraft.data.synthetic.reviews import write_reviews
from adcraft.data.synthetic.shoppers import build_population
from adcraft.settings import ShopSettings

log = logging.getLogger(__name__)

SHOP_END = datetime(2026, 11, 1, tzinfo=UTC)  # fixed, so a seed always gives the same log


@dataclass
class SyntheticShop:
    config: ShopSettings
    seed: int
    click_model: ClickModel

    @property
    def products(self) -> pl.DataFrame:
        return self.click_model.catalogue.products

    @property
    def shoppers(self) -> pl.DataFrame:
        return self.click_model.population.shoppers

    @property
    def tastes(self) -> pl.DataFrame:
        """Ground truth per shopper: category weights, liked and disliked facts,
        favourite brand, price sensitivity. For evaluation only; never a feature."""
        return self.click_model.population.tastes

    def _rng(self, part: int) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence([self.seed, part]))

    @cached_property
    def _behaviour(self):
        c = self.config
        log.info("simulating %s events over %s days", f"{c.n_events:,}", c.days)
        return simulate_sessions(self.click_model, c.n_events, SHOP_END, c.days, self._rng(3))

    @property
    def events(self) -> pl.DataFrame:
        return self._behaviour.events

    @cached_property
    def reviews(self) -> pl.DataFrame:
        end_s = int(SHOP_END.timestamp())
        return write_reviews(self.click_model, self._behaviour.purchases, end_s, self._rng(4))

    @cached_property
    def _impressions(self):
        c = self.config
        log.info("logging %s copy impressions under a random policy", f"{c.n_impressions:,}")
        return log_impressions(self.click_model, c.n_impressions, SHOP_END, c.days, self._rng(5))

    @property
    def impressions(self) -> pl.DataFrame:
        return self._impressions[0]

    @property
    def impression_truth(self) -> pl.DataFrame:
        """True p_click and p_convert of every logged impression."""
        return self._impressions[1]

    @property
    def copy(self) -> pl.DataFrame:
        return self._impressions[2]

    def tables(self) -> dict[str, pl.DataFrame]:
        """The shop as the standard tables, ready for `write_tables`."""
        return {
            "products": self.products,
            "shoppers": self.shoppers,
            "events": self.events,
            "reviews": self.reviews,
            "impressions": self.impressions,
            "copy": self.copy,
        }


def build_shop(config: ShopSettings | None = None, seed: int = 7) -> SyntheticShop:
    """Catalogue and shoppers now; events, reviews and impressions on first use."""
    config = config or ShopSettings()
    rng = lambda part: np.random.default_rng(np.random.SeedSequence([seed, part]))  # noqa: E731
    catalogue = build_catalogue(config.n_products, rng(1))
    population = build_population(config.n_shoppers, catalogue, rng(2))
    return SyntheticShop(config, seed, ClickModel(catalogue, population))
