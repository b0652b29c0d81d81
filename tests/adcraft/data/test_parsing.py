"""Prices and feature bullets as real shop exports write them."""

from __future__ import annotations

import pytest

from adcraft.data.parsing import PriceError, bullet_facts, parse_price


@pytest.mark.parametrize("text, amount, currency", [
    ("₹1,099", 1099.0, "INR"), ("₹1,099.00", 1099.0, "INR"), ("Rs. 899", 899.0, "INR"),
    ("INR 1,099", 1099.0, "INR"), ("$12.99", 12.99, "USD"), ("US$ 5", 5.0, "USD"),
    ("12,99 €", 12.99, "EUR"), ("1.299,00 €", 1299.0, "EUR"), ("1.299 €", 1299.0, "EUR"),
    ("£7", 7.0, "GBP"), ("1,299.50", 1299.5, None), ("1 299,00", 1299.0, None),
    ("1.299.000", 1299000.0, None), ("1.299", 1.299, None), ("0.5", 0.5, None),
    ("399", 399.0, None), (" 45 ", 45.0, None),
])
def test_prices_as_shops_write_them(text, amount, currency):
    assert parse_price(text) == (pytest.approx(amount), currency)


@pytest.mark.parametrize("text", ["call us", "", "$", "₹399 - ₹499", "1,0999", "1,2,3",
                                  "$5 USD", "-5", "12.99.5"])
def test_what_is_no_price_says_so(text):
    with pytest.raises(PriceError, match="not a price"):
        parse_price(text)


def test_bullets_become_named_facts_or_features():
    assert bullet_facts("Material: Cotton | Fit : Slim|  |Machine wash cold") == [
        ("material", "Cotton"), ("fit", "Slim"), ("feature", "Machine wash cold")]
    long = "Fast Charge&Data Sync : It can charge and sync simultaneously at a rapid speed"
    assert bullet_facts(long) == [("feature", long)]
    assert bullet_facts("Colour: Black; Size: M", ";") == [("colour", "Black"), ("size", "M")]
