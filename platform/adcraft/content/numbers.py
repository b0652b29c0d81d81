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


def rounds(x: float, y: float) -> bool:
    """`x` is `y` or `y` rounded: to a whole number (4 of 3.99), or to a round number
    within the tolerance (2000 of 2017, 50 of 49.99); not another number near it (2015
    for 2017)."""
    if abs(x - y) < 1e-9 or (x == int(x) and abs(x - round(y)) < 1e-9):
        return True
    digits = str(int(x))
    return close(x, y) and len(digits) - len(digits.rstrip("0")) >= max(1, len(digits) - 2)


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


# ---- numbers bound to what they count or measure
# "6 Fire Engines", '14" x 18"', "2 3 4 5 Year Old", "10-15.6 inch": each number (a range's
# ends, a list's or a size's members) bound to the word after the last, read as its unit
# ("ft", "feet" are one) or its noun's singular ("engines" is "engine")
_NUM = r"\d+(?:\.\d+)?"
_RUN = rf"({_NUM}(?:\s*(?:x|×|\*|by|-|–|to)?\s*{_NUM})*)(\s*-?\s*)([A-Za-z]+|[\"″′])(?![\w'/])"
# in the data, a number after a hyphen binds too ("5oz-3ft"); in the copy it may be a
# code's ("BND-60 timer"): the data's reading is the generous one
_BOUND_OWN = re.compile(r"(?<![\w.,/$€£₹])" + _RUN)
_BOUND = re.compile(r"(?<![\w.,/$€£₹-])" + _RUN)
_SAME_UNIT_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)\s*[-–]\s*(\d+(?:\.\d+)?)\s*\2\b", re.I)
_RANGE = re.compile(rf"({_NUM})\s*(?:-|–|to)\s*({_NUM})")
# "4-1/2 inch", "7/8 inch": a fraction is one number
_FRACTION = re.compile(r"(?<![\w./])(?:(\d+)[-\s])?(\d+)/(2|3|4|8|16|32|64)(?![\w/])")
_NOT_KEYS = {"x", "by", "to", "in", "of", "or", "and", "for", "with", "the", "a", "an", "on",
             "at", "per", "from", "is", "are", "off", "out", "times", "more", "than", "up"}


def _normalised(text: str) -> str:
    """Fractions as decimals ("4-1⁄2" is 4.5) and "3mm-9mm" as "3-9mm"."""
    def value(m: re.Match) -> str:
        whole, top, bottom = int(m[1] or 0), int(m[2]), int(m[3])
        return f"{whole + top / bottom:g}" if top < bottom else m[0]
    text = _FRACTION.sub(value, text.replace("⁄", "/"))
    return _SAME_UNIT_RANGE.sub(r"\1-\3\2", text)


def _key(m: re.Match, text: str) -> str | None:
    """What the number of match `m` is bound to; None for a word that binds nothing."""
    from adcraft.content.lexicon import UNIT_OF

    word, after = m.group(3), text[m.end():]
    if word in "\"″":
        return "inch"
    if word == "′":
        return "foot"
    low = word.lower()
    if low == "in" and (m.group(2) or not re.match(r"\s*(?:x\b|×|[.,;)]|$)", after)):
        return None  # "4 in 1", "2929 in silver": a short 'in' measures only as "1.88 in x"
    if low in UNIT_OF:
        return UNIT_OF[low]
    if len(low) < 3 or low in _NOT_KEYS:
        return None
    for end, new in (("ies", "y"), ("sses", "ss"), ("shes", "sh"), ("ches", "ch"),
                     ("xes", "x")):
        if low.endswith(end):
            return low[:-len(end)] + new
    return low[:-1] if low.endswith("s") and not low.endswith("ss") else low


def _spans(run: str) -> list[tuple[float, float]] | None:
    """The values of a run ("14 x 18", "10-15.6"); None for a code ("6549-18")."""
    spans = [(float(a), float(b)) for a, b in _RANGE.findall(run)]
    if any(lo >= hi for lo, hi in spans):
        return None
    return spans + [(float(n), float(n)) for n in re.findall(_NUM, _RANGE.sub(" ", run))]


def bound_numbers(text: str) -> dict[str, list[tuple[float, float]]]:
    """{what: [(low, high), ...]} for each number `text` binds to a word after it."""
    out: dict[str, list[tuple[float, float]]] = {}
    text = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", _normalised(text))  # "1 yearWarranty"
    for m in _BOUND_OWN.finditer(text):
        key, spans = _key(m, text), _spans(m.group(1))
        if key is not None and spans:
            out.setdefault(key, []).extend(spans)
    return out


def wrong_measures(copy: str, own: str) -> list[tuple[str, list[tuple[float, float]]]]:
    """(the copy's phrase, what the data binds to that word) for each number the copy
    binds to a word that the data binds to other numbers only ("4 fire engines" of
    "6 Fire Engines", "6 ft" of "3ft"). Only the number next to the word is read ("4 x
    65 oz" is four of 65 oz)."""
    said = bound_numbers(own)
    out = []
    copy = _normalised(copy)
    for m in _BOUND.finditer(copy):
        key = _key(m, copy)
        if key is None or key not in said or _spans(m.group(1)) is None:
            continue
        value = float(re.findall(_NUM, m.group(1))[-1])
        if not any(lo - 1e-9 <= value <= hi + 1e-9 for lo, hi in said[key]):
            out.append((m.group(0).strip(), said[key]))
    return out


# ---- numbers cut from a name
def cut_at_slash(text: str, title: str) -> str | None:
    """The title's words up to a fraction's slash, the rest dropped: "Amico 5" of "Amico
    5/6 inch", "Binding 1" of 'Binding 1/2"' (not "iPhone 14" of "iPhone 14/14 Plus": a
    list, one of whose names it picks)."""
    words = title.split()
    for before, word in zip(words, words[1:]):
        left, slash, right = word.partition("/")
        if slash and left.isdigit() and re.match(r"\d+(?:\D|$)", right) and not re.match(
                rf"{re.escape(left)}\b", right) and int(left) < int(re.match(r"\d+", right)[0]):
            m = re.search(rf"(?<!\w){re.escape(before)}\s+{re.escape(left)}(?![/\w\"])", text)
            if m:
                return m.group(0)
    return None


_MEASURED = r'(?:["″]|\s?(?:inch(?:es)?|in\b|mm|cm|ft|oz|ml|lbs?|kg|g\b|mAh|W\b|V\b))'


def unit_dropped(text: str, title: str) -> str | None:
    """A measure of the title quoted without its unit, the name copied as the title
    writes it up to there ("Case 5G 6.7" of 'Case 5G 6.7",Full Body ...'): the number
    no longer says what it measures."""
    # "90." ends a sentence ("Eau De Toilette 90. Yours ..."); "6.7" is one number
    for m in re.finditer(rf"(\S+) (\d+(?:\.\d+)?)(?![\w\"″/%-]|\.\d|{_MEASURED}|"
                         rf"\s*(?:x|by|to|-)\s*\d)", text):
        if re.search(rf"(?<!\S){re.escape(m[1])} {re.escape(m[2])}{_MEASURED}", title):
            return m.group(0)
    return None
