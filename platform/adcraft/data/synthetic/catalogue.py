"""The synthetic catalogue: products with structured facts and a description written
from those facts only, so every sentence in it is grounded."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from adcraft.data.schemas import conform
from adcraft.data.synthetic.vocab import CATEGORIES, COLOURS, attribute_terms, brand_names

CURRENCY = "EUR"
PRICE_SIGMA = 0.35  # spread of log price around the category median
QUALITY_SIGMA = 0.5  # spread of the latent quality that drives ratings and clicks

_DESCRIPTIONS = (
    "The {brand} {noun} in {colour} is made from {material}. Key features: {features}.",
    "Made from {material}, this {colour} {noun} from {brand} comes with: {features}.",
    "{brand}'s {noun} comes in {colour} {material}. Features: {features}.",
)


@dataclass
class Catalogue:
    """Products as a table plus the arrays that the click model computes with."""

    products: pl.DataFrame
    category: np.ndarray  # (n,) index into CATEGORIES
    brand: np.ndarray  # (n,) index into brand_names()
    price: np.ndarray  # (n,)
    price_z: np.ndarray  # (n,) log price relative to its category, in sigmas
    quality: np.ndarray  # (n,) latent quality
    has_term: np.ndarray  # (n, n_terms) bool: product states attribute term t
    popularity: np.ndarray  # (n,) browse weight within its category

    @property
    def size(self) -> int:
        return len(self.category)


def _join_features(features: list[str]) -> str:
    return features[0] if len(features) == 1 else ", ".join(features[:-1]) + " and " + features[-1]


def build_catalogue(n_products: int, rng: np.random.Generator) -> Catalogue:
    terms = attribute_terms()
    term_index = {t: i for i, t in enumerate(terms)}
    brands = brand_names()
    brand_index = {b: i for i, b in enumerate(brands)}

    category = rng.integers(0, len(CATEGORIES), n_products)
    quality = rng.normal(0.0, QUALITY_SIGMA, n_products)
    price_z = rng.normal(0.0, 1.0, n_products)
    has_term = np.zeros((n_products, len(terms)), dtype=bool)
    brand = np.zeros(n_products, dtype=np.int64)
    price = np.zeros(n_products)
    rows = []
    for i in range(n_products):
        spec = CATEGORIES[category[i]]
        noun = spec.nouns[rng.integers(len(spec.nouns))]
        brand_name = spec.brands[rng.integers(len(spec.brands))]
        material = spec.materials[rng.integers(len(spec.materials))]
        colour = COLOURS[rng.integers(len(COLOURS))]
        k = int(rng.integers(2, min(4, len(spec.features)) + 1))
        features = [spec.features[j] for j in sorted(rng.choice(len(spec.features), k, False))]
        price[i] = round(spec.median_price * float(np.exp(PRICE_SIGMA * price_z[i])), 0) - 0.01
        rating = float(np.clip(round(4.0 + 0.8 * quality[i], 1), 2.5, 5.0))
        brand[i] = brand_index[brand_name]
        for term in (material, colour, *features):
            has_term[i, term_index[term]] = True
        template = _DESCRIPTIONS[rng.integers(len(_DESCRIPTIONS))]
        description = template.format(
            brand=brand_name, noun=noun, colour=colour, material=material,
            features=_join_features(features),
        ) + f" Rated {rating} out of 5."
        facts = [
            {"name": "material", "value": material},
            {"name": "colour", "value": colour},
            *({"name": "feature", "value": f} for f in features),
            {"name": "rating", "value": f"{rating}"},
        ]
        rows.append({
            "product_id": f"P{i + 1:06d}",
            "title": f"{brand_name} {features[0].title()} {material.title()} {noun.title()}",
            "description": description,
            "category_path": list(spec.path),
            "brand": brand_name,
            "price": price[i],
            "currency": CURRENCY,
            "attributes": facts,
        })
    # Zipf-like browse popularity, independent of quality (the shop shows what it stocks).
    popularity = 1.0 / (1.0 + rng.permutation(n_products)) ** 0.8
    return Catalogue(
        products=conform(pl.DataFrame(rows), "products", "synthetic"),
        category=category,
        brand=brand,
        price=price,
        price_z=price_z,
        quality=quality,
        has_term=has_term,
        popularity=popularity,
    )
