"""Numbers in copy: amounts as written ("1,299.00", "49,99"), prices and decimals held
to the digit the copy writes ("$9.21" is not $9.12, "Declan 3.0" not "2.0"; "€50" may
round €49.99), and how many the product comes as ("Set of 5", "10-Pack", "100 Pcs",
"4 in 1"): a count the copy gives in one of these forms must be one the data gives in
such a form, where the data gives any ("set of 10" is wrong for "... 10 Batteries
Included - Set of 5")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from adcraft.content.lexicon import NUMBER_WORDS

NUMBER_TOLERANCE = 0.01  # a stated number within 1% of a fact (€50 for €49.99) holds

# ---- amounts
NUMBER = re.compile(
    r"(?<![\w.,€£$₹])(?:(?P<symbol>[€£$₹]|Rs\.?)\s?)?(?P<amount>\d+(?:[.,]\d+)*)"
    r"(?P<unit>\s?%|\s?(?:EUR|GBP|USD|INR|euros?|pounds?|dollars?|rupees?)\b|[€£$₹]|-[a-z]+)?",
    re.IGNORECASE,
)
CURRENCIES = {"€": "EUR", "£": "GBP", "$": "USD", "₹": "INR", "Rs": "INR", "Rs.": "INR",
              **{w: "INR" for w in ("inr", "rupee", "rupees")},
              **{w: "EUR" for w in ("eur", "euro", "euros")},
              **{w: "GBP" for w in ("gbp", "pound", "pounds")},
              **{w: "USD" for w in ("usd", "dollar", "dollars")}}


def amount(raw: str) -> float | None:
    """'1,299.00', '49,99', '1.299' and '30' as numbers."""
    if "," in raw and "." in raw:
        decimal = "." if raw.rfind(".") > raw.rfind(",") else ","
        raw = raw.replace("," if decimal == "." else ".", "").replace(decimal, ".")
    elif "," in raw:
        raw = raw.replace(",", "" if len(raw.rpartition(",")[2]) == 3 else ".")
    elif raw.count(".") > 1:
        raw = raw.replace(".", "")
    try:
        return float(raw)
    except ValueError:
        return None


def decimals(raw: str) -> str:
    """The digits after a decimal point or comma ("21" of "9.21", "" of "1,299")."""
    head, sep, tail = raw.replace(",", ".").rpartition(".")
    return tail if sep and len(tail) != 3 or (sep and "." in raw) else ""


def close(x: float, y: float) -> bool:
    return abs(x - y) <= NUMBER_TOLERANCE * abs(y) + 1e-9


# ---- counts

_N = r"(\d+|" + "|".join(sorted((w for w in NUMBER_WORDS if w.isalpha()), key=len,
                                reverse=True)) + r")"
_END = r"(?![\w.-])(?!\s*(?:to|-|–)\s*\d)"  # not "pack of 9-LED", "pack of 70 to 80"
_FORMS = {
    "pack": [rf"\b(?:set|pack|box|bundle|case|bag|lot)\s+of\s+{_N}{_END}",
             rf"\b{_N}[\s-]?(?:pack|pk|pcs|pc|pieces|count|ct|packs)\b"],  # not "7-piece"
    "in_one": [rf"\b{_N}[\s-]?in[\s-]?(?:1|one)\b"],
}
_RANGE_START = re.compile(r"(\d+)\s*(?:-|–|to)\s*$")  # "70-80PCS": 70 as well
_PATTERNS = {kind: [re.compile(p, re.IGNORECASE) for p in forms] for kind, forms in _FORMS.items()}


def _value(raw: str) -> float:
    return float(raw) if raw.isdigit() else float(NUMBER_WORDS[raw.lower()])


def _found(text: str) -> Iterator[tuple[str, float, str, int]]:
    for kind, patterns in _PATTERNS.items():
        for pattern in patterns:
            for m in pattern.finditer(text):
                yield kind, _value(m.group(1)), m.group(0), m.start()


def counts(text: str) -> Iterator[tuple[str, float, str]]:
    """(form, value, phrase) for each count `text` states."""
    for kind, value, phrase, _ in _found(text):
        yield kind, value, phrase


def wrong_counts(copy: str, own: str) -> list[tuple[str, set[float]]]:
    """(the copy's phrase, the counts the data gives in that form) for each count the
    copy states in a form the data uses with other values only."""
    said: dict[str, set[float]] = {}
    for kind, value, _phrase, start in _found(own):
        said.setdefault(kind, set()).add(value)
        if m := _RANGE_START.search(own[:start]):
            said[kind].add(float(m.group(1)))
    return [(phrase, said[kind]) for kind, value, phrase in counts(copy)
            if kind in said and value not in said[kind]]
