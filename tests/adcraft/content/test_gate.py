"""CopyGate on copy a shopper must never see (verbatim from a real catalogue's demo run),
on good copy and its one-word-changed twins, and on products with no facts at all."""

from __future__ import annotations

import pytest

from adcraft.content.gate import CopyGate, defect_of
from adcraft.content.request import CopyKind, ProductFacts

MIXER = ProductFacts(
    product_id="mixer", title="Morphy Richards Icon Superb 750-Watt Mixer Grinder with 4 Jars "
    "(Black)", brand="Morphy Richards", price=3899.0, currency="INR",
    category_path=["Home&Kitchen", "Kitchen&HomeAppliances", "SmallKitchenAppliances"],
    description="750 watt motor | 4 stainless steel jars | 2 years warranty on product")
SCALE = ProductFacts(
    product_id="scale", title="Electronic Digital Kitchen Weighing Scale, 10 kg (White)",
    price=299.0, currency="INR", category_path=["Home&Kitchen", "Kitchen Scales"],
    description="Weighs up to 10 kg | Tare function | LCD display | Battery included")
PHONE = ProductFacts(
    product_id="redmi", title="Redmi 9A (Sea Blue, 2GB RAM, 32GB Storage) | 2GHz Octa-core "
    "Helio G25 Processor", brand="Redmi", price=7499.0, currency="INR",
    category_path=["Electronics", "Mobiles", "Smartphones"],
    description="13MP rear camera | 5000 mAh battery | 6.53 inch HD+ display")
SHOES = ProductFacts(
    product_id="shoes", title="Campus Men's Maxico Running Shoes", brand="Campus", price=899.0,
    currency="INR", category_path=["Fashion", "Men", "Sports Shoes"],
    description="Mesh upper | Lace-up closure | Cushioned EVA sole")
STABILIZER = ProductFacts(
    product_id="vguard", title="V-Guard VG 400 Voltage Stabilizer for Refrigerators (Grey)",
    brand="V-Guard", price=1999.0, currency="INR", category_path=["Home Improvement"],
    description="For refrigerators up to 300 L | Time delay system | 3 years warranty")
KNIVES = ProductFacts(
    product_id="knives", title="Pigeon Stainless Steel Kitchen Knife Set, 3 Pieces, Silver",
    brand="Pigeon", price=249.0, currency="INR", category_path=["Home&Kitchen", "Knives"])
POWER = ProductFacts(
    product_id="bank", title="Black Power 10000mAh Power Bank", price=770.0, currency="INR",
    facts={"power source type": ["Battery Powered"]})
PURIFIER = ProductFacts(
    product_id="kent", title="Kent Gold, Optima, Gold+ Spare Kit", brand="Kent", price=649.0,
    currency="INR", facts={"color": ["White"]})

# Verbatim: every one reached a shopper through /v1/copy, and every guardrail passed it.
SEEN_BY_SHOPPERS = [
    (SHOES, "Claire Baxley offers custom shoe collections as per Netflix's \"Off The Record\" "
            "service. The product, which was crafted by Kinetica, has been rated by the "
            "Ironmaniak"),
    (KNIVES, "Stoke-Fleming Strippwool's latest offering, KnifeShredding. Waterproof, can be "
             "found here."),
    (SCALE, "Revenue Per Square Foot"),
    (MIXER, "Morphine Richards's 4 JARs - no trouble!"),
    (SCALE, "Beer's \"Chef-Mate\" - Cheeseshit Kitchen Scale."),
    (STABILIZER, "v-guard zneira ekranın bu vuyslerine taki uzceleri: \"Ottakazeti sosyal alan "
                 "kendeleren"),
    (PHONE, "Apple uses an iCloud camera in their new Redmi One MacBook-laptop system."),
    (POWER, "You like power source type, so meet Black Power for 770.00 INR."),
    (PURIFIER, "Color and ready for you: Kent Gold, Optima, Gold+ Spare Kit for 649.00 INR."),
]


@pytest.fixture(scope="module")
def gate() -> CopyGate:
    return CopyGate(locale="en-IN")


@pytest.mark.parametrize(("product", "text"), SEEN_BY_SHOPPERS)
def test_copy_that_reached_shoppers_is_blocked_and_the_verdict_says_why(gate, product, text):
    verdict = gate.judge(text, product)
    assert not verdict.ok
    for finding in verdict.findings_json():
        assert finding["phrase"] and finding["why"] and finding["defect"]


@pytest.mark.parametrize(("product", "good", "twin", "defect"), [
    (MIXER, "Morphy Richards Icon Superb mixer grinder: a 750 watt motor and 4 stainless steel "
            "jars, for 3899 INR.",
     "Morphy Richards Icon Superb mixer grinder: a 750 watt motor and 5 stainless steel "
     "jars, for 3899 INR.", "wrong_number"),
    (PHONE, "Redmi 9A in Sea Blue: 2GB RAM, 32GB storage and an octa-core Helio G25 processor.",
     "Redmi 9A in Sea Blue: 2GB RAM, 32GB storage and a waterproof octa-core Helio G25 "
     "processor.", "unsupported_claim"),
    (SHOES, "Campus Maxico running shoes for men, with a mesh upper and a cushioned EVA sole.",
     "Campus Maxico running shoes for men, with a mesh upper and a cushioned EVA sole, made "
     "in Italy.", "wrong_brand_or_name"),
    (STABILIZER, "The V-Guard VG 400 voltage stabilizer is for refrigerators up to 300 L, "
                 "with 3 years warranty.",
     "The V-Guard VG 400 voltage stabilizer is for refrigerators up to 300 L, with 5 years "
     "warranty.", "wrong_number"),
])
def test_good_copy_passes_and_its_one_word_twin_does_not(gate, product, good, twin, defect):
    assert gate.judge(good, product).ok, gate.judge(good, product).findings_json()
    verdict = gate.judge(twin, product)
    assert not verdict.ok and defect in {defect_of(f) for f in verdict.findings}


def test_a_product_with_no_facts_is_judged_on_its_title_and_description(gate):
    bare = ProductFacts(product_id="x", title="Milton Thermosteel Flask, 1000 ml, Silver")
    assert gate.judge("Milton's silver Thermosteel flask holds 1000 ml.", bare).ok
    verdict = gate.judge("Milton's silver Thermosteel flask keeps tea hot for 24 hours.", bare)
    assert not verdict.ok and {"tea", "hot"} & {f.span.lower() for f in verdict.findings}


def test_the_locale_decides_the_language(gate):
    text = "Die Campus Maxico Laufschuhe für Herren haben ein Obermaterial aus Mesh."
    verdict = CopyGate(locale="en-GB").judge(text, SHOES)
    assert not verdict.ok and "wrong_language" in {defect_of(f) for f in verdict.findings}
    zh = ProductFacts(product_id="d", title="连衣裙", facts={"颜色": ["白色"], "材质": ["棉"]})
    chinese = CopyGate(kind=CopyKind.description, locale="zh-CN")
    assert chinese.judge("这款白色连衣裙采用棉质面料。", zh).ok
    assert not chinese.judge("This white cotton dress is made for you.", zh).ok


def test_copy_that_stops_mid_sentence_is_incoherent(gate):
    verdict = gate.judge("Campus Maxico running shoes with a mesh upper and a", SHOES)
    assert not verdict.ok and "incoherent" in {defect_of(f) for f in verdict.findings}


def test_a_brand_in_capitals_a_unit_and_a_spelling_are_read_as_a_person_would(gate):
    vac = ProductFacts(product_id="vac", title="CRAFTSMAN CMXEVBE17250 2.5 Gallon 1.75 Peak HP "
                       "Wet/Dry Vac, Portable Shop Vacuum with Attachments", price=29.98)
    verdict = gate.judge("STANLEY 2.5 gallon wet/dry vac with 1.75 peak HP.", vac)
    assert not verdict.ok and "wrong_brand_or_name" in {defect_of(f) for f in verdict.findings}
    bank = ProductFacts(product_id="b", title="ENEGON 10000mAh Power Bank Fast Charging (PD "
                        "20W Max)", price=29.98, currency="USD")
    assert gate.judge("ENEGON 10000mAh power bank with PD 20W max charging.", bank).ok
    # 30 is within 1% of the price, but "30W" is a power, not a price
    assert not gate.judge("ENEGON 10000mAh power bank with PD 30W max charging.", bank).ok
    pots = ProductFacts(product_id="p", title="18 Pieces Square Plastic Flower Pots Multi-Color "
                        "with Trays, Non-Slip Base")
    assert gate.judge("18 square plastic flower pots in multi-colours, with trays.", pots).ok
    assert gate.judge("18 square plastic flower pots with trays and a non-slip base.", pots).ok


BELT = ProductFacts(
    product_id="belt", title="Woodland Men Coffee Brown Leather Solid Belt", brand="Woodland",
    price=1525.0, currency="INR", category_path=["Men"],
    description="Coffee Brown solid leather beltReversible: NoStretchable: NoSecured with a "
                "tang closure")
PERFUME = ProductFacts(
    product_id="edt", title="Marks & Spencers Women Rose & Amber Eau de Toilette 100ml",
    brand="Marks & Spencer", price=1299.0, currency="INR", category_path=["Women"])
DVD = ProductFacts(product_id="dvd", title="Mike & Molly: The Complete Sixth Season [DVD]",
                   price=19.99, currency="USD")


def test_a_field_the_data_answers_no_is_denied(gate):
    assert not gate.judge("A reversible coffee brown leather belt from Woodland.", BELT).ok
    assert gate.judge("A coffee brown leather belt from Woodland, with a tang closure.",
                      BELT).ok


def test_the_brand_field_decides_how_the_brand_is_written(gate):
    verdict = gate.judge("Marks & Spencers Rose & Amber Eau de Toilette, 100ml.", PERFUME)
    assert not verdict.ok and any(defect_of(f) == "wrong_brand_or_name"
                                  for f in verdict.findings)
    assert gate.judge("Marks & Spencer Rose & Amber Eau de Toilette, 100ml.", PERFUME).ok


def test_a_number_in_words_is_a_number(gate):
    assert not gate.judge("Mike & Molly: the complete fifth season on DVD.", DVD).ok
    assert gate.judge("Mike & Molly: the complete sixth season on DVD.", DVD).ok


def test_chinese_that_stops_on_a_joining_word_is_cut_off():
    gate = CopyGate(kind=CopyKind.description, locale="zh-CN")
    product = ProductFacts(product_id="suit", title="", category_path=["西装"],
                           facts={"类型": ["西装"], "图案": ["条纹"], "版型": ["显瘦"]})
    cut = gate.judge("条纹西装，显瘦版型，通勤、休闲都", product)
    assert not cut.ok and any(f.defect == "incoherent" for f in cut.findings)


PICKS = ProductFacts(product_id="picks", title="JIM DUNLOP Flex Standard .88mm Green Guitar "
                     "Pick, 12 Pack", price=6.81, currency="USD")
ORIGAMI = ProductFacts(product_id="origami", title="Taro's Origami Studio 6 inch Origami "
                       'Paper, 200 Sheets, 23 Colors', price=9.99, currency="USD",
                       description='Each sheet is 6" x 6". Thickness: 2.75 oz per pack.')


def test_units_written_out_and_numbers_in_words_are_the_datas_own():
    gate = CopyGate(kind=CopyKind.description, locale="en-US")
    assert gate.judge("Twelve green Jim Dunlop Flex Standard picks, 0.88 mm thick.", PICKS).ok
    assert gate.judge("Two hundred six-inch sheets of origami paper from Taro's Origami "
                      "Studio, in 23 colors.", ORIGAMI).ok
    assert gate.judge("Two hundred sheets of Taro's Origami Studio paper, 6 by 6 inches, "
                      "2.75 ounces a pack.", ORIGAMI).ok
    wrong = gate.judge("Three hundred six-inch sheets of Taro's Origami Studio paper.", ORIGAMI)
    assert not wrong.ok and any(defect_of(f) == "wrong_number" for f in wrong.findings)
    assert not gate.judge("Two hundred sheets of Taro's Origami Studio paper, 6 by 6 "
                          "feet.", ORIGAMI).ok  # feet: the data measures in inches


@pytest.mark.parametrize("text", [
    "Meet Innova GStar Shryke Distance Driver Golf Disc [Colors for $14.99.",
    "JIM DUNLOP Flex Standard.88mm Green Guitar Pick for $6.81",
    "Set content: One Bath towel Type: Regular Fabric: Cotton GSM: 550 GSM Colour: Black",
    "A pair of green Jim Dunlop Flex Standard guitar picks with an intricately embosse",
])
def test_an_open_bracket_glued_words_run_in_fields_and_a_cut_word_are_incoherent(gate, text):
    verdict = gate.judge(text, PICKS)
    assert not verdict.ok and any(f.defect == "incoherent" for f in verdict.findings), verdict


@pytest.mark.parametrize("text,defect", [
    ("简约风的破洞牛仔长裤，宽松的版型穿起来", "incoherent"),
    ("浅蓝高腰牛仔裤，毛边裤口的", "incoherent"),
    ("清新条纹连衣裙（翻领配插肩袖拼接，裙摆自然垂坠。", "incoherent"),
    ("圆点条纹连衣裙连衣裙上新", "incoherent"),
    ("酒红色系带裙，开叉下摆带垂坠感。", "unsupported_claim"),
])
def test_chinese_cut_short_repeated_or_with_another_shade_is_blocked(text, defect):
    gate = CopyGate(kind=CopyKind.ad_copy, locale="zh-CN")
    product = ProductFacts(product_id="zh", title="", category_path=["裙"], facts={
        "类型": ["裙", "牛仔裤"], "颜色": ["红色", "浅蓝"], "裙下摆": ["开叉", "垂坠"],
        "裙衣门襟": ["系带"], "图案": ["条纹", "圆点"], "裙款式": ["拼接", "破洞", "毛边"],
        "领型": ["翻领"], "袖型": ["插肩袖"], "风格": ["简约"], "版型": ["宽松"], "腰型": ["高腰"]})
    verdict = gate.judge(text, product)
    assert not verdict.ok and any(defect_of(f) == defect for f in verdict.findings), verdict
    assert gate.judge("为你推荐这款红色系带裙，开叉下摆带垂坠感，值得入手。", product).ok
