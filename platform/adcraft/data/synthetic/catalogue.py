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


def _uniform_index(rng: np.random.Generator, sizes: np.ndarray) -> np.ndarray:
    """A uniform index below each of `sizes`."""
    return (rng.random(len(sizes)) * sizes).astype(np.int64)


def build_catalogue(n_products: int, rng: np.random.Generator) -> Catalogue:
    """The random draws are vectorised over products; only the text is written per
    product."""
    terms = attribute_terms()
    term_index = {t: i for i, t in enumerate(terms)}
    brands = brand_names()
    brand_index = {b: i for i, b in enumerate(brands)}

    n = n_products
    category = rng.integers(0, len(CATEGORIES), n)
    quality = rng.normal(0.0, QUALITY_SIGMA, n)
    price_z = rng.normal(0.0, 1.0, n)
    specs = [CATEGORIES[c] for c in category]

    def sizes(field: str) -> np.ndarray:
        return np.array([len(getattr(s, field)) for s in CATEGORIES])[category]

    noun = _uniform_index(rng, sizes("nouns"))
    brand_pick = _uniform_index(rng, sizes("brands"))
    material = _uniform_index(rng, sizes("materials"))
    colour = _uniform_index(rng, np.full(n, len(COLOURS)))
    template = _uniform_index(rng, np.full(n, len(_DESCRIPTIONS)))
    # 2..min(4, #features) features, drawn without replacement, in vocabulary order:
    # the k smallest of random keys (padding last), sorted.
    n_features = sizes("features")
    k = 2 + _uniform_index(rng, np.minimum(4, n_features) - 1)
    keys = rng.random((n, n_features.max()))
    keys[np.arange(n_features.max()) >= n_features[:, None]] = 2.0
    ranked = np.argsort(keys, axis=1)
    median_price = np.array([s.median_price for s in CATEGORIES])[category]
    price = np.round(median_price * np.exp(PRICE_SIGMA * price_z), 0) - 0.01
    rating = np.clip(np.round(4.0 + 0.8 * quality, 1), 2.5, 5.0)

    has_term = np.zeros((n, len(terms)), dtype=bool)
    brand = np.zeros(n, dtype=np.int64)
    rows = []
    for i, spec in enumerate(specs):
        noun_i = spec.nouns[noun[i]]
        brand_name = spec.brands[brand_pick[i]]
        material_i = spec.materials[material[i]]
        colour_i = COLOURS[colour[i]]
        features = [spec.features[j] for j in sorted(ranked[i, : k[i]])]
        rating_i = float(rating[i])
        brand[i] = brand_index[brand_name]
        has_term[i, [term_index[t] for t in (material_i, colour_i, *features)]] = True
        description = _DESCRIPTIONS[template[i]].format(
            brand=brand_name, noun=noun_i, colour=colour_i, material=material_i,
            features=_join_features(features),
        ) + f" Rated {rating_i} out of 5."
        facts = [
            {"name": "material", "value": material_i},
            {"name": "colour", "value": colour_i},
            *({"name": "feature", "value": f} for f in features),
            {"name": "rating", "value": f"{rating_i}"},
        ]
        rows.append({
            "product_id": f"P{i + 1:06d}",
            "title": f"{brand_name} {features[0].title()} {material_i.title()} {noun_i.title()}",
            "description": description,
            "category_path": list(spec.path),
            "brand": brand_name,
            "price": float(price[i]),
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
