"""Numbers in copy: how many the product comes as ("set of 10" against "Set of 5")."""

from __future__ import annotations

from adcraft.content.numbers import counts, wrong_counts

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
