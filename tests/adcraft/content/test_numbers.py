"""Numbers in copy: how many the product comes as ("set of 10" against "Set of 5"), and what
each number counts or measures ("4 fire engines" against "6 Fire Engines")."""

from __future__ import annotations

import pytest

from adcraft.content.numbers import bound_numbers, counts, wrong_counts, wrong_measures

CANDLES = ("Rhytsing Ivory 10\" Flameless Taper Candles with Timer, Remote & 10 Batteries "
           "Included - Set of 5")


def test_counts_are_read_in_their_forms():
    found = {(kind, value) for kind, value, _ in counts(
        "a set of five, a 10-Pack, 100 Pcs, 4 in 1 and a 3-in-1 dock")}
    assert found == {("pack", 5.0), ("pack", 10.0), ("pack", 100.0), ("in_one", 4.0),
                     ("in_one", 3.0)}


def test_a_count_the_data_gives_in_another_form_only_is_wrong():
    assert wrong_counts("Ivory taper candles with remote, set of 10", CANDLES.lower()) == [
        ("set of 10", {5.0})]
    assert wrong_counts("Ivory taper candles, a set of 5 with 10 batteries", CANDLES) == []
    assert wrong_counts("ZIYEVR 3 in 1 charging station", "ZIYEVR 4 in 1 Charging Station")


def test_a_count_in_a_range_a_part_count_and_an_unstated_form_are_not_wrong():
    assert wrong_counts("a pack of 70 to 80 pieces", "Baklava 800g (70-80PCS)") == []
    assert wrong_counts("a 10-pack of 9-LED flashlights", "FASTPRO 10-Pack, 9-LED Mini") == []
    assert wrong_counts("ten seven-piece dice sets", "Dice Set (70 Pieces), 10 Pack") == []
    assert wrong_counts("a set of 4 bowls", "White Dipping Bowls") == []  # no count stated


FIRE_TRUCKS = ('Fire Truck Toys with Play Mat, 6 Fire Engines, 3 Road Signs, 14" x 18" Fire '
               "Rescue Playmat, Mini Pull Back Car Toys for 2 3 4 5 Year Old Boy Toddlers")
CABLES = ("3Pack 90 Degree iPhone Charger 3ft, Apple MFi Certified 3 Feet Lightning Cable "
          "for Apple iPhone 13 Pro/12/11/11Pro/11Max/XS/XR /8/7/6S/SE/6")


def test_a_number_is_held_to_what_it_counts_or_measures():
    assert bound_numbers(FIRE_TRUCKS)["fire"] == [(6.0, 6.0)]
    assert [p for p, _ in wrong_measures("4 fire engines and 3 road signs", FIRE_TRUCKS)] == [
        "4 fire"]
    assert wrong_measures('6 fire engines, 3 road signs, a 14" x 18" mat, for 2 to 5 years',
                          FIRE_TRUCKS) == []
    assert [p for p, _ in wrong_measures("Three 6 ft cables", CABLES)] == ["6 ft"]
    assert wrong_measures("Three 3-foot cables for the iPhone 13 Pro", CABLES) == []


@pytest.mark.parametrize("copy,own", [
    ("a 4-1/2 inch disc with a 7/8 inch bore", '4-1⁄2" (114.3mm) Diameter X 7⁄8" Bore'),
    ("fits rope from 3 to 9 millimeters", "Fits Rope 3mm-9mm, 150LB Load Limit"),
    ("5 oz, 3 ft by 180 ft", "Weed Block (5oz-3ft*180ft)"),
    ("3M 6549-18 Highland Notes, 3 x 3-Inches", "3M 6549-18 Highland Notes, 3 x 3-Inches"),
    ("duct tape 2929 in silver, 1.88 in x 50 yd", "Duct Tape 2929, 1.88 in x 50 yd"),
    ("4 x 65 oz", "Borax Detergent Booster 65 oz, 4 Pack"),
])
def test_fractions_ranges_sizes_and_codes_are_read_as_the_data_writes_them(copy, own):
    assert wrong_measures(copy, own) == []
