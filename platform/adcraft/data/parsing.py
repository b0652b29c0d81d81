"""Values as real shop exports write them: prices with currency symbols, thousands
separators and decimal commas ("₹1,099", "$12.99", "12,99 €", "1.299,00 €"), and
feature bullets in one column ("Material: Cotton|Fast charge : It charges ...")."""

from __future__ import annotations

import re

# What a price may carry before or after its number, and the currency each names.
# "¥" is left out: yen and yuan share it, and a guess would be wrong for one of them.
CURRENCY_MARKS = {
    "₹": "INR", "rs": "INR", "rs.": "INR", "inr": "INR",
    "$": "USD", "us$": "USD", "usd": "USD",
    "€": "EUR", "eur": "EUR",
    "£": "GBP", "gbp": "GBP",
    "rmb": "CNY", "cny": "CNY", "jpy": "JPY", "chf": "CHF",
    "a$": "AUD", "aud": "AUD", "c$": "CAD", "cad": "CAD",
}
_MARK = "|".join(sorted((re.escape(m) for m in CURRENCY_MARKS), key=len, reverse=True))
_PRICE = re.compile(rf"^(?P<pre>{_MARK})?\s*(?P<num>\d[\d.,' \u00a0\u202f]*)\s*(?P<post>{_MARK})?$",
                    re.IGNORECASE)


class PriceError(ValueError):
    """Text that is not a price; the message says why."""


def parse_price(text: str) -> tuple[float, str | None]:
    """(amount, ISO currency or None) of a price as a shop writes it. The separator
    that comes last, followed by one or two digits, is the decimal one ("12,99",
    "1.299,00"); groups of three are thousands ("1,099", "1 299"). A lone "1.299" is
    1299 in euros and 1.299 otherwise, as each is written."""
    raw = text.strip()
    m = _PRICE.match(raw)
    if m is None or (m["pre"] and m["post"]):
        raise PriceError(f"not a price: {text!r}")
    mark = (m["pre"] or m["post"] or "").lower()
    currency = CURRENCY_MARKS.get(mark)
    num = re.sub(r"[\s'\u00a0\u202f]", "", m["num"])
    seps = [c for c in num if c in ".,"]
    if not seps:
        return float(num), currency
    last = max(num.rfind("."), num.rfind(","))
    whole, tail = num[:last], num[last + 1:]
    grouped = re.fullmatch(r"\d+|\d{1,3}([.,]\d{3})+", whole) is not None
    if len(set(seps)) == 2 or len(tail) in (1, 2):
        # decimal separator last; the other (or the same, repeated) groups thousands
        if len(tail) not in (1, 2) or not grouped or num[last] in whole:
            raise PriceError(f"not a price: {text!r} (separators do not add up)")
        return float(re.sub(r"[.,]", "", whole) + "." + tail), currency
    if len(tail) == 3 and grouped and (num[last] == "," or len(seps) > 1 or currency == "EUR"):
        return float(re.sub(r"[.,]", "", num)), currency  # "1,099", "1.299.000", "1.299 €"
    if num[last] == "." and len(seps) == 1:
        return float(num), currency  # "1.299" dollars, "0.5"
    raise PriceError(f"not a price: {text!r} (separators do not add up)")


# "Material: Cotton", "Fast Charge&Data Sync : It can charge ...": a key is a few words
_NAMED = re.compile(r"^\s*(?P<key>[^\W\d_][\w&/'() -]{0,40}?)\s*:\s*(?P<value>\S.*)$")
NAMED_VALUE_WORDS = 6  # a longer value is a feature sentence, not an attribute's value


def bullet_facts(text: str, delimiter: str = "|") -> list[tuple[str, str]]:
    """(name, value) facts of one feature column: a `Key: value` bullet with a short
    value is the named fact `key` (lower-cased); any other bullet is a `feature`."""
    out = []
    for bullet in text.split(delimiter):
        bullet = " ".join(bullet.split())
        if not bullet:
            continue
        m = _NAMED.match(bullet)
        if m and len(m["value"].split()) <= NAMED_VALUE_WORDS:
            out.append((m["key"].strip().lower(), m["value"].strip().rstrip(".")))
        else:
            out.append(("feature", bullet))
    return out
