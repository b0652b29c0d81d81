"""Copy variants written from product facts, and a log of impressions shown by a
uniformly random policy with known propensities: the test bed for the conversion
model and for off-policy evaluation, with the true click probabilities beside it."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl

from adcraft.data.schemas import conform, facts_dict
from adcraft.data.synthetic.clicks import ClickModel
from adcraft.data.synthetic.vocab import CATEGORIES

SLOTS = 3  # positions on the page a logged impression can take


def copy_variants(product: dict) -> list[tuple[str, str]]:
    """Template ad copy for one product row: a plain line, one line per true fact, a price
    line, and one line that claims a feature the product lacks (for the click model and
    the guardrails to learn from). Returns ``[(variant_id, text)]``."""
    facts = facts_dict(product["attributes"])
    leaf = product["category_path"][-1]
    pid = product["product_id"]
    lines = [f"New in {leaf}: take a look today."]
    lines += [f"{f.capitalize()}, and made to last. Shop now." for f in facts.get("feature", [])]
    lines += [f"Made from {m}, built for every day." for m in facts.get("material", [])]
    lines.append(f"{product['brand']}, now €{product['price']:.2f}.")
    spec = next(c for c in CATEGORIES if c.path[-1] == leaf)
    missing = [f for f in spec.features if f not in facts.get("feature", [])]
    if missing:
        lines.append(f"{missing[len(pid) % len(missing)].capitalize()} and ready for anything.")
    return [(f"{pid}-v{k}", text) for k, text in enumerate(lines)]


def log_impressions(
    model: ClickModel,
    n: int,
    end: datetime,
    days: int,
    rng: np.random.Generator,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Returns (impressions, truth, copy): truth holds each impression's true p_click
    and p_convert; copy holds every template variant of every product."""
    cat, pop = model.catalogue, model.population
    rows = cat.products.to_dicts()
    variants = [copy_variants(r) for r in rows]
    members = [np.flatnonzero(cat.category == c) for c in range(len(CATEGORIES))]
    shopper = rng.choice(pop.size, n, p=pop.activity)
    # Context: the category the shopper browses; action: a product and a variant, uniformly.
    u = rng.random(n)
    cdf = np.cumsum(pop.category_pref[shopper], axis=1)
    category = np.minimum((cdf < u[:, None]).sum(axis=1), len(CATEGORIES) - 1)
    for c in range(len(CATEGORIES)):
        if len(members[c]) == 0:  # tiny catalogues: use a category that exists
            category[category == c] = cat.category[0]
    product = np.array([members[c][rng.integers(len(members[c]))] for c in category], dtype=int)
    variant = np.array([rng.integers(len(variants[p])) for p in product])
    position = rng.integers(1, SLOTS + 1, n)
    propensity = np.array(
        [1.0 / (len(members[c]) * len(variants[p])) for c, p in zip(category, product)]
    )
    texts = [variants[p][v][1] for p, v in zip(product, variant)]
    effect = np.array([model.copy_effect(s, p, t) for s, p, t in zip(shopper, product, texts)])
    p_click = model.click_probability(shopper, product, effect, position)
    p_convert = model.convert_probability(shopper, product)
    clicked = rng.random(n) < p_click
    converted = clicked & (rng.random(n) < p_convert)
    ts = int(end.timestamp()) - np.sort(rng.integers(60, days * 86400, n))[::-1]
    ids = [f"imp-{i + 1:08d}" for i in range(n)]
    impressions = pl.DataFrame({
        "impression_id": ids,
        "ts": pl.Series(ts * 1_000_000).cast(pl.Datetime("us")).dt.replace_time_zone("UTC"),
        "shopper_id": pop.shoppers["shopper_id"].gather(shopper),
        "product_id": cat.products["product_id"].gather(product),
        "copy_variant_id": [variants[p][v][0] for p, v in zip(product, variant)],
        "copy_text": texts,
        "position": position,
        "propensity": propensity,
        "clicked": clicked,
        "converted": converted,
        "policy": "random",
        "campaign": [CATEGORIES[c].path[-1] for c in category],
    })
    truth = pl.DataFrame({"impression_id": ids, "p_click": p_click, "p_convert": p_convert})
    copy = pl.DataFrame(
        [{"variant_id": vid, "product_id": r["product_id"], "kind": "ad_copy", "locale": "en-GB",
          "text": text, "source": "template"}
         for r, vs in zip(rows, variants) for vid, text in vs]
    )
    return (
        conform(impressions, "impressions", "synthetic"),
        truth,
        conform(copy, "copy", "synthetic"),
    )
