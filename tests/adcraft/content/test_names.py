"""How copy names the product: cut pieces of a title and pasted keyword titles are
blocked; the shortenings people write pass (real Myntra and Amazon titles)."""

from __future__ import annotations

import pytest

from adcraft.content.gate import CopyGate
from adcraft.content.names import cut_name, repeated_keyword
from adcraft.content.request import CopyKind, ProductFacts

TSHIRT = ProductFacts(
    product_id="wrogn", title="WROGN Men Burgundy & Coffee Brown Colourblocked Slim Fit Round "
    "Neck T-shirt", brand="WROGN", price=649.0, currency="INR",
    facts={"gender": ["Men"], "colour": ["Brown"]})
TROUSERS = ProductFacts(
    product_id="uspa", title="U.S. Polo Assn. Kids Boys Green Solid Regular Fit Corduroy "
    "Trousers", brand="U.S. Polo Assn. Kids", price=1139.0, currency="INR",
    facts={"gender": ["Boys"], "colour": ["Green"]})
PERFUME = ProductFacts(
    product_id="aigner", title="AIGNER Man 2 Evolution Eau de Toilette - 30ml", brand="AIGNER",
    price=1620.0, currency="INR", facts={"gender": ["Men"]})
JEANS = ProductFacts(
    product_id="spykar", title="SPYKAR Women Blue Elissa Bootcut High-Rise Jeans",
    brand="SPYKAR", price=1999.0, currency="INR", facts={"gender": ["Women"]})
TOY = ProductFacts(
    product_id="toy", title="Educational Insights Circuit Explorer Deluxe Base Space Station "
    "Toy, Building Set, STEM Toy, Gift for Boys & Girls, Ages 6+", price=59.99, currency="USD")
TWEEZER = ProductFacts(
    product_id="revlon", title="Revlon Expert Eyebrow Hair Removal Tweezer, Tweezers for Men, "
    "Women & Kids, Stainless Steel", price=7.99, currency="USD")
CASE = ProductFacts(
    product_id="tenoc", title="TENOC Phone Case Compatible for iPhone SE 3/2 gen, iPhone 8 and "
    "iPhone 7, Clear", price=3.99, currency="USD")


@pytest.mark.parametrize(("product", "text", "piece"), [
    (TSHIRT, "WROGN Round Neck for 649.00 INR, now in store.", "WROGN Round Neck"),
    (TROUSERS, "Meet U.S. Polo Assn. Kids Boys for 1139.00 INR.", "U.S. Polo Assn. Kids Boys"),
    (PERFUME, "AIGNER de Toilette fits what you have been browsing.", "AIGNER de Toilette"),
])
def test_a_piece_of_the_title_is_not_a_name(product, text, piece):
    assert cut_name(text, product) == piece
    assert not CopyGate(locale="en-IN").judge(text, product).ok


@pytest.mark.parametrize(("product", "text"), [
    (TSHIRT, "WROGN T-shirt for 649.00 INR, now in store."),
    (TROUSERS, "U.S. Polo Assn. Kids Corduroy Trousers for 1139.00 INR"),
    (JEANS, "SPYKAR Elissa bootcut jeans: high-rise, in blue."),
    (TOY, "The Educational Insights Circuit Explorer Deluxe Base Space Station is a STEM "
          "building set for boys and girls."),
])
def test_names_people_shorten_titles_to_pass(product, text):
    assert cut_name(text, product) is None
    verdict = CopyGate(locale="en-IN").judge(text, product)
    assert verdict.ok, verdict.findings_json()


def test_a_pasted_keyword_title_is_blocked_and_a_cut_title_too():
    text = ("We think you will like Revlon Expert Eyebrow Hair Removal Tweezer, Tweezers for "
            "Men, Women & Kids, Stainless Steel.")
    assert repeated_keyword(text, TWEEZER) == "Tweezers"
    assert not CopyGate(kind=CopyKind.recommendation_reason).judge(text, TWEEZER).ok
    assert repeated_keyword("Revlon tweezers in stainless steel.", TWEEZER) is None
    verdict = CopyGate(locale="en-US").judge("Meet TENOC Phone Case Compatible for $3.99.", CASE)
    assert not verdict.ok and "cut short" in " ".join(f.message for f in verdict.findings)


KURTA = ProductFacts(
    product_id="biba", title="Biba Women Beige & Navy Blue Printed Kurta with Churidar & "
    "Dupatta", brand="Biba", price=1999.0, currency="INR", facts={"gender": ["Women"]})
JACKET = ProductFacts(
    product_id="parx", title="Parx Men Black Solid Padded Jacket", brand="Parx", price=2999.0,
    currency="INR", description="Black solid paded jacket, has a mock collar, 2 pockets")
BIKE = ProductFacts(product_id="marcy", title="Marcy Recumbent Exercise Bike with Resistance "
                    "ME-709", price=179.05, currency="USD")


def test_a_name_of_what_the_product_comes_with_or_a_typo_the_catalogue_made_is_blocked():
    gate = CopyGate(locale="en-IN")
    assert cut_name("Biba Churidar Dupatta for 1999.00 INR, now in store.", KURTA)
    assert not gate.judge("Biba Churidar Dupatta for 1999.00 INR, now in store.", KURTA).ok
    assert gate.judge("Biba Printed Kurta with Churidar & Dupatta.", KURTA).ok
    verdict = gate.judge("Black solid paded jacket, has a mock collar and 2 pockets", JACKET)
    assert not verdict.ok and any("padded" in f.message for f in verdict.findings)
    assert gate.judge("Black solid padded jacket, has a mock collar and 2 pockets", JACKET).ok
    assert CopyGate(locale="en-US").judge("The Marcy ME-709 recumbent exercise bike, $179.05",
                                          BIKE).ok
    # a long word a letter more or less than a word is a typo the title made, even in
    # capitals as titles write it (a coined name is short: "Maxico")
    from adcraft.content.names import titled_typo, typo_of

    assert titled_typo("Tourquoise", JACKET) == "turquoise"
    assert typo_of("multicolured") in {"multicoloured", "multicolored"}
    assert titled_typo("Maxico", JACKET) is None


def test_the_brand_is_written_as_its_field_says():
    from adcraft.content.names import brand_as_written

    assert brand_as_written("Spencers", "Marks & Spencer") == "spencer"
    assert brand_as_written("Spencer", "Marks & Spencer") is None
    assert brand_as_written("Levi's", "Levis") is None
    assert brand_as_written("Nikes", None) is None
