"""Grammar slips a proofreader sends back: each blocks copy through the gate, and the
correct sentence next to it passes."""

from __future__ import annotations

import pytest

from adcraft.content.gate import CopyGate
from adcraft.content.grammar import grammar_slips
from adcraft.content.request import CopyKind, ProductFacts

TOP = ProductFacts(
    product_id="top", title="Carlton London Women Black Sleeveless Top", brand="Carlton London",
    price=899.0, currency="INR", category_path=["Women"],
    facts={"gender": ["Women"], "colour": ["Black"]},
    description="Black solid top, has a round neck, sleeveless, scalloped hem, two pockets")


@pytest.fixture(scope="module")
def gate():
    return CopyGate(kind=CopyKind.description, locale="en-IN")


@pytest.mark.parametrize("slip,fixed", [
    ("This Carlton London black top have a round neck and a scalloped hem.",
     "This Carlton London black top has a round neck and a scalloped hem."),
    ("Carlton London black sleeveless top with an scalloped hem.",
     "Carlton London black sleeveless top with a scalloped hem."),
    ("Carlton London black sleeveless top with a round neck and two pocket",
     "Carlton London black sleeveless top with a round neck and two pockets"),
    ("Carlton London black top, has a round neckBlack solid top",
     "Carlton London black top, has a round neck"),
    ("Carlton London black sleeveless  top with a round neck.",
     "Carlton London black sleeveless top with a round neck."),
    ("These black sleeveless tops from Carlton London is made with a scalloped hem.",
     "These black sleeveless tops from Carlton London are made with a scalloped hem."),
    ("The Carlton London sleeveless round-neck top are black, with a scalloped hem.",
     "The Carlton London sleeveless round-neck top is black, with a scalloped hem."),
])
def test_a_slip_blocks_and_the_sentence_put_right_passes(gate, slip, fixed):
    blocked = gate.judge(slip, TOP)
    assert not blocked.ok
    assert any(f.defect == "incoherent" for f in blocked.findings)
    assert gate.judge(fixed, TOP).ok, gate.judge(fixed, TOP).findings


@pytest.mark.parametrize("text", [
    "An hour of play, an LED light, a one-piece design and a European fit.",
    "A shirt and matching trousers have a relaxed fit.",
    "The jeans have two side pockets; it comes in a two pack design.",
    "An iPhone case in an eco-friendly box, with a USB cable.",
    "These tempered glass protectors fit the iPad mini; the pack has two.",
    "The shirt and trousers are cotton.",
])
def test_correct_english_has_no_slip(text):
    assert grammar_slips(text) == []


def test_a_name_the_shop_writes_glued_is_not_a_slip():
    assert grammar_slips("The ecoVessel bottle", own_words="ecoVessel Boulder Bottle") == []
    assert [f.span for f in grammar_slips("The ecoVessel bottle")] == ["ecoVessel"]


@pytest.mark.parametrize("text,reason", [
    ("A sweatshirt from Pepe Jeans with long sleeves that he will loves.", "plain form"),
    ("Picked for you: Reli. Vinyl Gloves | 200 Pack | Medium, Large.", "keywords"),
    ("Meet Toddler Pillow- 13X18 Baby Pillows for $16.99.", "hyphen"),
    ("We think you will like Classic Snoopy Plush Toy Plushie - Dog.", "dash"),
    ("These JETech tempered glass screen protectors fits the iPad mini.", "singular verb"),
])
def test_pasted_keywords_and_a_modal_slip_are_found(text, reason):
    assert any(reason in f.message for f in grammar_slips(text)), grammar_slips(text)


def test_a_dash_between_phrases_and_a_hyphen_before_and_are_english():
    assert grammar_slips("Pre- and post-workout snacks - stay fuelled all day.") == []


@pytest.mark.parametrize("text,reason", [
    ("Two BN-LINK mini 24-hour mechanical outlet timer for indoor use.", "singular noun"),
    ("Maroon printed straight kurta, has a shoulder straps, straight hem.", "plural noun"),
    ("yellow and white striped T-shirt with a polo collar.", "lower case"),
    ("The clear feeder mounts on you window with suction cups.", "'your'"),
    # a maker that styles its name in lower case still opens a sentence in capitals
    ("meriggiare Women Black Sneakers for 999.00 INR, now in store.", "lower case"),
    ("FableStreet's black A-line dress for women are woven with a round neck.",
     "plural verb"),
    ("A protective case with a magnetic ring holder and a kickstands.", "plural noun"),
    ("Meet How the Garcia Girls Spent Their Summer for $8.40.", "question word"),
    ("Posture Corrector for Women Men.", "two audiences"),
    ("This white shirt from The Indian Garage Co come in a slim fit.", "plural verb"),
    ("Pepe Jeans blue jogger jeans for boys is mid-rise and stretchable.", "singular verb"),
    ("A grey sweatshirt with long sleeves and a ribbed. Yours for INR 1,039.", "adjective"),
    ("A pink empire dress with embroidered detail, a V-neck and long", "adjective"),
])
def test_number_agreement_a_lower_case_start_and_you_for_your_are_slips(text, reason):
    assert any(reason in f.message for f in grammar_slips(text)), grammar_slips(text)


@pytest.mark.parametrize("text,own", [
    ("Two BN-LINK mini 24-hour outlet timers for indoor use.", ""),
    ("A maroon kurta with shoulder straps and a straight hem.", ""),
    ("The etguuds USB-C cables, 3 ft, 2-pack", "etguuds USB C Cable 3ft 2-Pack"),
    ("A glasses case for you, in a two pack design.", ""),
    ("A women's analogue watch with a steel bracelet.", ""),
    ("We think you will like How the Garcia Girls Spent Their Summer.", ""),
    ("This dress for women has pockets.", ""),
    ("Posture corrector for women and men.", ""),
    ("A pack of socks for men is here; jeans for boys are too.", ""),
    ("A float for the beach, lake or rafting. Soft and long.", ""),
    ("U.S. Polo Assn. Kids Girls Pink Dress", "U.S. Polo Assn. Kids Girls Pink Dress"),
])
def test_their_correct_forms_are_no_slip(text, own):
    assert grammar_slips(text, own_words=own) == []
