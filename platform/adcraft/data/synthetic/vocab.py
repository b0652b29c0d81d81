"""What the synthetic shop sells: categories with their brands, materials, colours,
features and price levels. Every term here is a checkable product fact."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CategorySpec:
    path: tuple[str, ...]
    nouns: tuple[str, ...]
    brands: tuple[str, ...]
    materials: tuple[str, ...]
    features: tuple[str, ...]
    median_price: float


COLOURS = ("black", "navy", "forest green", "grey", "red", "white", "sand")

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(
        ("Outdoor", "Jackets"), ("jacket", "shell jacket", "parka"),
        ("Northpeak", "Fjellstad", "Ridgeline", "Cloudbreak"),
        ("recycled nylon", "merino wool", "fleece", "ripstop polyester"),
        ("waterproof", "breathable", "packable", "insulated", "hooded", "windproof"),
        120.0,
    ),
    CategorySpec(
        ("Footwear", "Running Shoes"), ("running shoes", "trail shoes", "trainers"),
        ("Stridewell", "Pacefield", "Ridgeline", "Kinetica"),
        ("knit mesh", "leather", "recycled polyester"),
        ("cushioned", "lightweight", "wide fit", "grippy outsole", "breathable", "waterproof"),
        95.0,
    ),
    CategorySpec(
        ("Home", "Cookware"), ("frying pan", "saucepan", "casserole dish"),
        ("Hearthly", "Copperline", "Kitchenwell", "Maison Fer"),
        ("cast iron", "stainless steel", "ceramic coated", "copper"),
        ("non-stick", "dishwasher safe", "induction ready", "oven safe", "pfas-free"),
        60.0,
    ),
    CategorySpec(
        ("Electronics", "Headphones"), ("headphones", "earbuds", "headset"),
        ("Sonora", "Auralis", "Beatline", "Quietwave"),
        ("aluminium", "recycled plastic", "vegan leather"),
        ("noise cancelling", "wireless", "30-hour battery", "foldable", "built-in microphone",
         "water resistant"),
        150.0,
    ),
    CategorySpec(
        ("Beauty", "Skincare"), ("moisturiser", "serum", "face cream"),
        ("Lumea", "Dermaleaf", "Pure Botanic", "Skinwise"),
        ("hyaluronic acid", "vitamin c", "shea butter", "niacinamide"),
        ("fragrance-free", "vegan", "cruelty-free", "spf 30", "for sensitive skin"),
        30.0,
    ),
    CategorySpec(
        ("Bags", "Backpacks"), ("backpack", "daypack", "rucksack"),
        ("Carryall", "Northpeak", "Urbanpack", "Voyager"),
        ("canvas", "recycled nylon", "leather"),
        ("laptop sleeve", "water resistant", "padded straps", "anti-theft pocket", "expandable"),
        80.0,
    ),
    CategorySpec(
        ("Fashion", "Knitwear"), ("jumper", "cardigan", "sweater"),
        ("Woolhouse", "Fjellstad", "Loomcraft", "Atelier Nord"),
        ("merino wool", "cashmere", "organic cotton"),
        ("machine washable", "relaxed fit", "ribbed cuffs", "crew neck", "hooded"),
        70.0,
    ),
    CategorySpec(
        ("Home", "Bedding"), ("duvet cover", "sheet set", "pillowcase set"),
        ("Dreamwell", "Linenfold", "Hearthly", "Slumberco"),
        ("organic cotton", "linen", "bamboo"),
        ("breathable", "hypoallergenic", "machine washable", "oeko-tex certified"),
        90.0,
    ),
)


def attribute_terms() -> tuple[str, ...]:
    """Every taste-relevant fact value (materials, features, colours), once each, sorted."""
    terms = {t for c in CATEGORIES for t in (*c.materials, *c.features)} | set(COLOURS)
    return tuple(sorted(terms))


def brand_names() -> tuple[str, ...]:
    return tuple(sorted({b for c in CATEGORIES for b in c.brands}))


FIRST_NAMES = ("Ada", "Ben", "Chloe", "Dev", "Elif", "Finn", "Grace", "Hugo", "Isla", "Jonas",
               "Kira", "Luca", "Maya", "Nils", "Omar", "Priya", "Rosa", "Sami", "Tess", "Yusuf")
LAST_NAMES = ("Moreno", "Smith", "Nakamura", "Okafor", "Schmidt", "Dubois", "Rossi", "Kowalski",
              "Larsen", "Patel", "Novak", "Costa")
LOCALES = ("en-GB", "en-US", "en-GB", "en-US", "de-DE", "fr-FR")
CHANNELS = ("email", "web", "push", "social")
