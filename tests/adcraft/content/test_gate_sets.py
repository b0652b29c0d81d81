"""Slips found in fresh labelled sets 16 to 25 of `bench/data/copy_gate` (verbatim
products): each is blocked for the right reason, the good copy beside it passes, and
the templates no longer write them."""

from __future__ import annotations

import pytest

from adcraft.content.gate import CopyGate
from adcraft.content.request import CopyKind, CopyRequest, ProductFacts
from adcraft.content.templates import template_variants
from adcraft.features.profiles import ShopperProfile

POMPOMS = ProductFacts(product_id="pom", price=11.89, currency="USD", title=(
    "50pcs Acrylic Black Pompom Balls 2 Inch Acrylic Pompoms Large Acrylic Pompoms Balls "
    "Halloween Costume Pom Poms Crafts Pom Poms 100pcs Adhesive Eyes Halloween Party "
    "Christmas DIY Crafts"))
TOY_HOLDER = ProductFacts(product_id="bath", price=11.99, currency="USD", title=(
    "2 x Mesh Bath Toy Organizer + 6 Ultra Strong Hooks – The Perfect Bathtub Toy Holder & "
    "Bathroom or Shower Caddy – These Multi-use Net Bags Make Baby Bath Toy Storage Easy"))
SET = ProductFacts(
    product_id="w", title="W Women Pink Printed Top with Dhoti Pants & Ethnic Jacket",
    brand="W", price=6999.0, currency="INR", category_path=["Women"],
    facts={"gender": ["Women"], "colour": ["Pink"]}, description=(
        "This clothing set consists of top, dhoti pants and ethnic jacketDusty pink printed "
        "top with sequins, has a round neck, sleevelessDusty pink solid dhoti pants"))
CARPET = ProductFacts(
    product_id="presto", title="Presto Multicolored Printed Hand Tufted Wool Carpet",
    brand="PRESTO", price=3768.0, currency="INR", description=(
        "Content: One carpetColour: Multicolored  Fabric: PolyesterShape: Rectangular"))
TEE = ProductFacts(product_id="sw", title="STAR WARS featured Grey Tshirt for Men",
                   brand="STAR WARS", price=449.0, currency="INR",
                   description="Grey printed T-shirt, has a round neck, and short sleeves")
SKIRT = ProductFacts(product_id="zh", title="高腰层叠网纱裙", currency="CNY", facts={
    "类型": ["裙"], "风格": ["淑女"], "图案": ["蝴蝶结"], "裙型": ["网纱裙"], "裙下摆": ["层叠"],
    "裙腰型": ["高腰"]})


def judge(text, product, kind="ad_copy", locale="en-US"):
    return CopyGate(kind=CopyKind(kind), locale=locale).judge(text, product)


SLIPS_16_19 = [
    (POMPOMS, "50 black acrylic pom poms with two hundred adhesive eyes, $11.89.",
     "50 black acrylic pom poms with 100 adhesive eyes, $11.89.", "wrong_number"),
    (TOY_HOLDER, "The perfect bathtub toy holder: two mesh organizers and six hooks.",
     "A bathtub toy holder: two mesh organizers and six ultra strong hooks.", "compliance"),
    (SET, "Just for you: W Women Pink Printed Top",
     "W pink printed top with dhoti pants and an ethnic jacket", "off_product"),
    (CARPET, "Presto multicoloured hand tufted wool carpet, picked for you.",
     "Presto multicoloured hand tufted carpet, picked for you.", "unsupported_claim"),
    (TEE, "A grey printed T-shirt for men from STAR WAR, with a round neck.",
     "A grey printed T-shirt for men from STAR WARS, with a round neck.",
     "wrong_brand_or_name"),
]


def test_a_chinese_number_the_data_does_not_give_blocks():
    verdict = judge("高腰网纱裙，三层叠裙摆很有层次感。", SKIRT, kind="description",
                    locale="zh-CN")
    assert not verdict.ok and any("三层" in f.message for f in verdict.findings)
    assert judge("高腰网纱裙，层叠裙摆很有层次感，淑女气质满满。", SKIRT, kind="description",
                 locale="zh-CN").ok


@pytest.mark.parametrize("product,said,never", [
    (SET, "W Women Pink Printed Top with Dhoti Pants & Ethnic Jacket", "Printed Top."),
    (ProductFacts(product_id="t", title="Trash Pack Series #5 Figure, 12-Pack"),
     "Trash Pack Series #5 Figure, 12-Pack", "Figure."),
    (ProductFacts(product_id="c", price=51.99, currency="USD", title=(
        "Coleman Rolling Cooler | 50 Quart Xtreme 5 Day Cooler with Wheels | Wheeled Hard "
        "Cooler Keeps Ice Up to 5 Days, Black")), "coleman rolling cooler", "the coleman"),
    (ProductFacts(product_id="j", title="justpeachy Multicoloured Geometric Drop Earrings",
                  brand="justpeachy", price=389.0, currency="INR"),
     "justpeachy Multicoloured", "Justpeachy"),
])
def test_templates_name_the_whole_set_its_pack_and_its_maker_as_written(product, said, never):
    texts = [t for kind in CopyKind for t in template_variants(CopyRequest(
        profile=ShopperProfile.cold("s"), product=product, kind=kind, locale="en-US"), n=3)]
    assert texts and all(said.lower() in t.lower() for t in texts), texts
    assert not any(never in t for t in texts), texts


TOCOL = ProductFacts(product_id="tocol", price=12.99, currency="USD", title=(
    "TOCOL [2+2 Pack Compatible for iPhone 13 Mini 5.4'' - 2 Pack Privacy Tempered Glass "
    "Screen Protector & 2 Pack Camera Lens Protector, Bubble Free, Case Friendly]"))
PILLOWS = ProductFacts(product_id="rd", title="Rajasthan Decor Set of 2 Screen Print Pillow Cover",
                       brand="Rajasthan Decor", price=424.0, currency="INR",
                       description="Set content: 2 pillow coversColour: Blue and white")
BAG = ProductFacts(product_id="elle", title="ELLE Red Solid Shoulder Bag", brand="ELLE",
                   price=1437.0, currency="INR", description=(
                       "Red solid shoulder bag, has a zip closure2 main compartmentsTwo Handles "
                       "with a detachable sling strapWarranty: 1 yearWarranty provided by brand"))
SHIRT = ProductFacts(product_id="it", title="Indian Terrain Men White Slim Fit Linen Shirt",
                     brand="Indian Terrain", price=1304.0, currency="INR", description=(
                         "White checked smart casual shirt, has a spread collar, short sleeves"))
MASKS = ProductFacts(product_id="wis", title=(
    "WIS Hyaluronic Acid Moisturizing Facial Mask for Women, Remove Wrinkles, 24 Pack Sheet "
    "Mask for Dry and Sensitive Skin"))
APP = ProductFacts(product_id="app", title="GSN Casino Slots Games", price=0.0, currency="USD")


SLIPS_20_21 = [
    (TOCOL, "Meet TOCOL for $12.99.", "A TOCOL privacy screen protector for $12.99.",
     "off_product"),
    (PILLOWS, "Rajasthan Decor Set of 2 Screen Print Pillow Cover",
     "Rajasthan Decor: a set of 2 screen print pillow covers", "incoherent"),
    (BAG, "An ELLE red shoulder bag with a 2-year warranty.",
     "An ELLE red shoulder bag with a 1-year warranty.", "wrong_number"),
    (SHIRT, "An Indian Terrain white linen shirt with a button-down collar.",
     "An Indian Terrain white linen shirt with a spread collar.", "unsupported_claim"),
    (MASKS, "A 24-pack of WIS hyaluronic acid sheet masks that remove wrinkles.",
     "A 24-pack of WIS hyaluronic acid sheet masks for dry and sensitive skin.", "compliance"),
    (APP, "GSN Casino Slots Games for $0.00, now in store.",
     "GSN Casino Slots Games, now in store.", "wrong_number"),
]


def test_templates_quote_no_zero_price_name_no_maker_alone_and_give_a_described_thing_no_meet():
    collar = ProductFacts(product_id="dog", price=6.5, currency="USD", title=(
        "Dog Collar for Small Breed,Adjustable Training Nylon Dog Collar with Double D-Rings"))
    made = {p.product_id: [t for kind in CopyKind for t in template_variants(CopyRequest(
        profile=ShopperProfile.cold("s"), product=p, kind=kind, locale="en-US"), n=3)]
        for p in (TOCOL, APP, collar)}
    assert made["tocol"] == []
    assert made["app"] and not any("0.00" in t for t in made["app"])
    assert made["dog"] and not any(t.startswith("Meet") or "like Dog" in t for t in made["dog"])


KEVIN = ProductFacts(product_id="km", title="Kevin Murphy - Gritty Business - 100mg / 3.4oz")
CALM = ProductFacts(product_id="calm", price=29.99, currency="USD", title=(
    "Natural Vitality Calm PLUS Calcium Supplement Powder, Original - 8 ounce"))
PURINA = ProductFacts(product_id="pp", price=35.52, currency="USD", title=(
    "Purina Pro Plan Grain Free, Pate, High Protein Wet Cat Food, Complete Essentials Seafood "
    "Entree - (24) 3 oz. Cans"))
CASE = ProductFacts(product_id="mt", price=7.99, currency="USD", title=(
    'Mastten for Samsung Galaxy S21 Plus Case 5G 6.7",Full Body Heavy Duty Protective Phone '
    "Case Cover with Magnetic Car Mount Ring Holder Kickstand, Blue"))
PLANE = ProductFacts(product_id="hh", price=34.99, currency="USD", title=(
    "HANGHANG 1/200 Scale C 130 Model Plane Diecast Military Airplanes Metal Fighter Jet"))
TEE_SLIP = ProductFacts(product_id="ck", title="Chkokko Men Mustard Yelow Solid V-Neck T-shirt",
                        brand="Chkokko", price=464.0, currency="INR")
DRESS = ProductFacts(product_id="adiva", title="ADIVA Girls White Maxi Dress", brand="ADIVA",
                     price=1299.0, currency="INR")


SLIPS_22_23 = [
    (KEVIN, "Meet Kevin Murphy.", "Kevin Murphy Gritty Business, 100mg.", "off_product"),
    (CALM, "Natural Vitality Calm PLUS calcium supplement powder, 8 ounces, to help you sleep "
     "better.", "Natural Vitality Calm PLUS calcium supplement powder, 8 ounces.", "compliance"),
    (PURINA, "Picked for you: Purina Pro Plan Grain for $35.52.",
     "Picked for you: Purina Pro Plan Grain Free for $35.52.", "incoherent"),
    (CASE, "Say hello to Mastten for Samsung Galaxy S21 Plus Case 5G 6.7 for $7.99.",
     'Say hello to the Mastten case for the Samsung Galaxy S21 Plus 5G (6.7") for $7.99.',
     "incoherent"),
    (PLANE, "HANGHANG 1/144 scale C-130 diecast model plane, $34.99.",
     "HANGHANG 1/200 scale C-130 diecast model plane, $34.99.", "wrong_number"),
    (TEE_SLIP, "Chkokko Men Mustard Yelow Solid V-Neck T-shirt",
     "Chkokko mustard yellow V-neck T-shirt for men", "incoherent"),
    (DRESS, "A white maxi %S for girls from ADIVA.", "A white maxi dress for girls from ADIVA.",
     "incoherent"),
]


JEGGINGS = ProductFacts(product_id="np", title="Newport Women Black Solid Skinny Fit Jeggings",
                       brand="Newport", price=1199.0, currency="INR", description=(
                           "Black Solid Skinny Fit Jeggings, has an elasticated waistband, "
                           "slip-on closure, cropped"))
TRACKS = ProductFacts(product_id="fn", title="Force NXT Mens Charcoal Track Pants",
                      brand="Force NXT", price=599.0, currency="INR", description=(
                          "Charcoal solid track pants, elasticated waist band Three pockets"))
FOB = ProductFacts(product_id="cc", price=10.99, currency="USD", title=(
    "cciyu 1 X Flip Key Fob Uncut Blade (SHELL CASE) 5 Buttons Replacement for GMC "
    "Acadia/Terrain 2017-2020"))
FLARE = ProductFacts(product_id="is", title="Ira Soleil Women Blue Fit and Flare Dress",
                     brand="Ira Soleil", price=899.0, currency="INR",
                     description="Blue fit and flare dress with unique embroidared detailing")
SLIPS_24_25 = [
    (JEGGINGS, "Black solid skinny fit jeggings, has an elasticated waistband, slip-on "
     "closure, cropped", "Newport's black skinny fit jeggings are cropped, with an "
     "elasticated waistband.", "incoherent"),
    (JEGGINGS, "Newport black skinny fit jeggings with a slip-on closure that.",
     "Newport black skinny fit jeggings with a slip-on closure.", "incoherent"),
    (TRACKS, "Charcoal solid track pants, elasticated waist band Three pockets",
     "Charcoal track pants from Force NXT with an elasticated waist band.", "incoherent"),
    (FOB, "A cciyu flip key fob shell with 5 buttons for GMC Acadia 2015-2020.",
     "A cciyu flip key fob shell with 5 buttons for GMC Acadia 2017-2020.", "wrong_number"),
    (FLARE, "A blue fit and flare dress with unique embroidared detailing from Ira Soleil.",
     "A blue fit and flare dress with unique detailing from Ira Soleil.",
     "incoherent"),
]

LACOSTE = ProductFacts(product_id="lc", brand="Lacoste", price=4000.0, currency="INR",
                       title="Lacoste Women L.12.12 Pour Elle Sparkling Eau De Toilette 90 ml")
MUG = ProductFacts(product_id="am", brand="Archies", price=699.0, currency="INR",
                   title="Archies Love Gifts Multicolured Printed Ceramic Coffee Mug")
SLIPS_26_29 = [
    # the title's unit dropped before a full stop: "90." is no decimal
    (LACOSTE, "Lacoste Women L.12.12 Pour Elle Sparkling Eau De Toilette 90. Yours for "
     "4000.00 INR.", "Lacoste L.12.12 Pour Elle Sparkling eau de toilette, 90 ml. Yours for "
     "4000.00 INR.", "incoherent"),
    (MUG, "Archies Love Gifts Multicolured Printed Ceramic Coffee Mug, picked for you.",
     "A printed ceramic coffee mug from Archies, picked for you.", "incoherent"),
]


@pytest.mark.parametrize("title,never", [
    ("The Pale Emperor       Explicit Lyrics", "Explicit"),
    ("New LD200RM Remote Control fit for Apex LED LCD TV JE3708 LD3288", "Control fit"),
    ("Electric Stapler, Automatic Stapler, Electric Stapler Desktop, AC or Battery Powered",
     "Meet Electric"),
])
def test_templates_cut_no_tag_on_no_joining_word_and_meet_no_bare_type(title, never):
    product = ProductFacts(product_id="t", title=title, price=29.99, currency="USD")
    texts = [t for kind in CopyKind for t in template_variants(CopyRequest(
        profile=ShopperProfile.cold("s"), product=product, kind=kind, locale="en-US"), n=3)]
    assert texts and not any(never in t for t in texts), texts


def test_templates_name_a_type_only_as_the_title_writes_it_after_the_brand():
    puma = ProductFacts(product_id="p", brand="Puma", price=799.0, currency="INR", title=(
        "Puma Unisex Yellow & Peach-Coloured Dyed Round Neck Manchester City FC T-shirt"))
    texts = [t for kind in CopyKind for t in template_variants(CopyRequest(
        profile=ShopperProfile.cold("s"), product=puma, kind=kind, locale="en-IN"), n=3)]
    assert texts and not any("Puma City FC" in t for t in texts), texts


def test_chinese_cut_to_one_character_or_somewhat_of_nothing_blocks():
    skirt = ProductFacts(product_id="q", title="裙", facts={"类型": ["裙"]}, currency="CNY")
    assert not judge("裙，适合你的选择。", skirt, locale="zh-CN").ok
    shirt = ProductFacts(product_id="g", title="格子衬衫", currency="CNY",
                         facts={"类型": ["上衣"], "图案": ["格子"], "衣样式": ["衬衫"]})
    verdict = judge("格子衬衫，口袋设计带来几分，很有格调。", shirt, locale="zh-CN")
    assert not verdict.ok and any(f.span == "几分，" for f in verdict.findings), verdict.findings
    made = [t for kind in CopyKind for t in template_variants(CopyRequest(
        profile=ShopperProfile.cold("s"), product=skirt, kind=kind, locale="zh-CN"), n=3)]
    assert "裙，适合你的选择。" not in made


def test_templates_open_on_a_capital_meet_no_book_and_keep_a_name_in_one_case():
    shops = [ProductFacts(product_id="m", title="meriggiare Women Black Sneakers",
                          brand="meriggiare", price=999.0, currency="INR"),
             ProductFacts(product_id="g", title="How the Garcia Girls Spent Their Summer",
                          price=8.4, currency="USD"),
             ProductFacts(product_id="f", price=9.99, currency="USD", title=(
                 "Salon Quality Foot File with Dead Skin Catcher, Callus Remover"))]
    for product in shops:
        texts = [t for kind in CopyKind for t in template_variants(CopyRequest(
            profile=ShopperProfile.cold("s"), product=product, kind=kind, locale="en-US"),
            n=3)]
        assert texts, product.title
        assert not any(t[:1].islower() or t.startswith("Meet How") or "Salon quality" in t
                       for t in texts), texts


@pytest.mark.parametrize("product,bad,good,defect",
                         SLIPS_16_19 + SLIPS_20_21 + SLIPS_22_23 + SLIPS_24_25
                         + SLIPS_26_29)
def test_a_slip_of_the_fresh_sets_blocks_and_the_copy_put_right_passes(
        product, bad, good, defect):
    blocked = judge(bad, product)
    assert not blocked.ok and defect in {f.defect or "compliance" for f in blocked.findings}, (
        blocked.findings)
    assert judge(good, product).ok, judge(good, product).findings


def test_a_run_of_number_words_that_opens_on_one_gets_a_verdict():
    # set 26: "one" opens a run of number words ("one-two"); the gate raised KeyError
    verdict = judge("A one-two set of brushes from Ira Soleil.", FLARE)
    assert not verdict.ok and verdict.findings
