"""The copy-aware click model: the synthetic shop's ground truth for p(click) and
p(convert). Copy that states a true fact the shopper values lifts p(click); copy
that states something the product's facts do not support lowers it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from adcraft.data.synthetic.catalogue import Catalogue
from adcraft.data.synthetic.shoppers import Population
from adcraft.data.synthetic.vocab import CATEGORIES, attribute_terms, brand_names

BASE_CLICK_LOGIT = -2.4  # a generic impression of an average product: ~8% click
CATEGORY_WEIGHT = 0.6  # times log of the shopper's relative interest in the category
LIKED_WEIGHT = 0.9  # per fact the shopper values
DISLIKED_WEIGHT = 1.1  # per fact the shopper dislikes
BRAND_WEIGHT = 0.5  # the shopper's favourite brand
PRICE_WEIGHT = 0.5  # times price sensitivity times the price's z-score in its category
BASE_CONVERT_LOGIT = -1.2  # p(purchase | click) for an average match
CONVERT_AFFINITY_WEIGHT = 0.6

# Copy effects on the click logit, per claim.
COPY_VALUED_TRUE = 0.8  # true, and the shopper values it
COPY_NEUTRAL_TRUE = 0.15  # true, the shopper does not care
COPY_DISLIKED_TRUE = -0.4  # true, and the shopper dislikes it
COPY_UNSUPPORTED = -1.0  # not backed by the product's facts

_AMOUNT = r"(\d+(?:[.,]\d{1,2})?)"
_PRICE = re.compile(
    rf"(?:€|£|\$|\bEUR\s?)\s?{_AMOUNT}|{_AMOUNT}\s?(?:€|EUR\b|euros?\b)"
)


@dataclass(frozen=True)
class CopyClaims:
    terms: frozenset[int]  # attribute term indices mentioned
    brands: frozenset[int]  # brand indices mentioned
    prices: tuple[float, ...]  # prices stated


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class ClickModel:
    def __init__(self, catalogue: Catalogue, population: Population):
        self.catalogue = catalogue
        self.population = population
        self.terms = attribute_terms()
        self.brands = brand_names()
        self.product_index = {p: i for i, p in enumerate(catalogue.products["product_id"])}
        self.shopper_index = {s: i for i, s in enumerate(population.shoppers["shopper_id"])}
        # Longest first, so "vegan leather" wins over "leather".
        alternatives = sorted(self.terms, key=len, reverse=True)
        self._term_re = re.compile(
            r"(?<![\w-])(" + "|".join(re.escape(t) for t in alternatives) + r")(?![\w-])",
            re.IGNORECASE,
        )
        self._brand_re = re.compile(
            r"\b(" + "|".join(re.escape(b) for b in sorted(self.brands, key=len, reverse=True))
            + r")\b", re.IGNORECASE,
        )
        self._term_lookup = {t.lower(): i for i, t in enumerate(self.terms)}
        self._brand_lookup = {b.lower(): i for i, b in enumerate(self.brands)}

    # ---- facts about shopper x product, vectorised over index arrays
    def affinity(self, s: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Latent match of shopper s and product p (logit units), no copy involved."""
        cat, pop = self.catalogue, self.population
        interest = pop.category_pref[s, cat.category[p]] * len(CATEGORIES)
        a = CATEGORY_WEIGHT * np.log(interest + 0.1)
        a += LIKED_WEIGHT * self._count(pop.liked[s], p)
        a -= DISLIKED_WEIGHT * self._count(pop.disliked[s], p)
        a += BRAND_WEIGHT * (cat.brand[p] == pop.favourite_brand[s])
        a -= PRICE_WEIGHT * pop.price_sensitivity[s] * cat.price_z[p]
        return a + cat.quality[p]

    def _count(self, term_slots: np.ndarray, p: np.ndarray) -> np.ndarray:
        """How many of each row's terms (-1 = empty slot) product p states."""
        safe = np.where(term_slots >= 0, term_slots, 0)
        hits = self.catalogue.has_term[p[:, None], safe] & (term_slots >= 0)
        return hits.sum(axis=1)

    def examination(self, position: np.ndarray) -> np.ndarray:
        """Chance a shopper looks at slot `position` (1-based) at all."""
        return 1.0 / np.sqrt(np.maximum(position, 1))

    def click_probability(
        self, s: np.ndarray, p: np.ndarray, copy_effect: np.ndarray | float = 0.0,
        position: np.ndarray | int = 1,
    ) -> np.ndarray:
        logit = BASE_CLICK_LOGIT + self.affinity(s, p) + copy_effect
        return self.examination(np.asarray(position)) * sigmoid(logit)

    def convert_probability(self, s: np.ndarray, p: np.ndarray) -> np.ndarray:
        """p(purchase | click)."""
        return sigmoid(BASE_CONVERT_LOGIT + CONVERT_AFFINITY_WEIGHT * self.affinity(s, p))

    # ---- copy
    def claims(self, copy: str) -> CopyClaims:
        terms = frozenset(self._term_lookup[m.lower()] for m in self._term_re.findall(copy))
        brands = frozenset(self._brand_lookup[m.lower()] for m in self._brand_re.findall(copy))
        prices = tuple(float((a or b).replace(",", ".")) for a, b in _PRICE.findall(copy))
        return CopyClaims(terms, brands, prices)

    def unsupported_claims(self, product: int, claims: CopyClaims) -> list[str]:
        """The claims in the copy that product's facts do not back, readable."""
        cat = self.catalogue
        bad = [self.terms[t] for t in sorted(claims.terms) if not cat.has_term[product, t]]
        bad += [self.brands[b] for b in sorted(claims.brands) if b != cat.brand[product]]
        price = cat.price[product]
        bad += [f"price {x:g}" for x in claims.prices if abs(x - price) > 0.01 * price + 0.01]
        return bad

    def copy_effect(self, s: int, p: int, copy: str) -> float:
        claims = self.claims(copy)
        pop = self.population
        liked, disliked = set(pop.liked[s]), set(pop.disliked[s])
        effect = COPY_UNSUPPORTED * len(self.unsupported_claims(p, claims))
        for t in claims.terms:
            if not self.catalogue.has_term[p, t]:
                continue
            effect += (COPY_VALUED_TRUE if t in liked else
                       COPY_DISLIKED_TRUE if t in disliked else COPY_NEUTRAL_TRUE)
        return effect

    # ---- public, by id
    def indices(self, shopper_ids: Sequence[str], product_ids: Sequence[str]):
        try:
            s = np.array([self.shopper_index[x] for x in shopper_ids], dtype=np.int64)
            p = np.array([self.product_index[x] for x in product_ids], dtype=np.int64)
        except KeyError as exc:
            raise KeyError(f"not in the synthetic shop: {exc.args[0]}") from None
        return s, p

    def p_click(
        self,
        shopper_ids: Sequence[str],
        product_ids: Sequence[str],
        copies: Sequence[str] | None = None,
        positions: Sequence[int] | None = None,
    ) -> np.ndarray:
        """True p(click) of each (shopper, product[, copy, position]); no copy = generic copy."""
        s, p = self.indices(shopper_ids, product_ids)
        effect = 0.0
        if copies is not None:
            effect = np.array([self.copy_effect(a, b, c) for a, b, c in zip(s, p, copies)])
        position = 1 if positions is None else np.asarray(positions)
        return self.click_probability(s, p, effect, position)

    def p_convert(self, shopper_ids: Sequence[str], product_ids: Sequence[str]) -> np.ndarray:
        """True p(purchase | click)."""
        return self.convert_probability(*self.indices(shopper_ids, product_ids))
