"""How copy names the product: a name a person would say, not a fragment of the title.

People drop words of a title ("Campus Maxico" for "Campus Men's Maxico Running
Shoes", "SPYKAR Elissa bootcut jeans"), so a name need not be a run of the title as
written. What they do not do is stop a name in the middle of a phrase of the title:
"WROGN Round Neck" of "... Round Neck T-shirt" names a neckline, "U.S. Polo Assn. Kids
Boys" names a gender, "AIGNER de Toilette" of "... Eau de Toilette" starts mid-phrase,
and "Cloudbreak Jackets" names one jacket in the plural. `cut_name` finds these.

The name read is the run of capitalised title words after the brand (or the title's
first word when there is no brand). A run ending on a model code ("V980Plus", "20V
MAX") or a coined word ("Maxico", rare in wordfreq) is a name; one the copy goes on
with the title's words in lower case ("Elissa bootcut jeans") is a phrase, not cut.
"""

from __future__ import annotations

import re

from adcraft.content.reading import stem, title_head, word_zipf
from adcraft.content.request import ProductFacts

CONNECTORS = frozenset({"de", "du", "des", "la", "le", "of", "&", "and", "di", "von"})
# title words that end a phrase of it ("... Jeans with Belt", "Shoes for Men")
PHRASE_BREAKS = frozenset({"with", "for", "and", "&", "-", "–", "|", "in", "by", "+"})
COINED_ZIPF = 3.0  # rarer than this: a coined model name ("Maxico"), not a description
_EDGE = ",.:;!?\"'()[]“”‘’"


def _word(raw: str) -> str:
    return raw.strip(_EDGE)


def _named(word: str) -> bool:
    """Capitalised or a number: how a name is written."""
    return bool(word) and (word[0].isupper() or word[0].isdigit())


def _is_code(word: str) -> bool:
    """A model code or a brand in capitals: "V980Plus", "K870T", "MAX"."""
    return (any(c.isdigit() for c in word) or any(c.isupper() for c in word[1:])
            or word.isupper() or word_zipf(word.lower()) < COINED_ZIPF)


def _after_brand(text: str, brand: str):
    """The copy's words after each mention of the brand (possessive dropped)."""
    for m in re.finditer(re.escape(brand) + r"(?:['’]s)?(?=[\s,.:;!?]|$)", text, re.IGNORECASE):
        if text[m.end():m.end() + 1] in {",", ".", ":", ";", "!", "?"}:
            continue  # the brand ends a phrase: nothing of a name follows it
        yield text[m.end():].split()[:12]


def cut_name(text: str, product: ProductFacts) -> str | None:
    """The phrase where the copy names the product by a cut piece of its title, or None."""
    title = product.title.split()
    low_title = [_word(w).lower() for w in title]
    if not title:
        return None
    brand = (product.brand or "").strip() or (_word(title[0]) if _is_code(_word(title[0]))
                                               else "")
    if not brand:
        return None  # "Set of 3 Pairs ...": no name to read a cut in
    head = title_head(product.title).split()
    head_last = _word(head[-1]).lower() if head else ""
    size = len(brand.split())
    start = size if [w.lower() for w in low_title[:size]] == [
        _word(w).lower() for w in brand.split()] else None
    values = {v.lower() for v in product.fact_values()}
    for words in _after_brand(text, brand):
        found = _cut_after(words, title, low_title, head_last, start, values)
        if found:
            return f"{brand} {found}".strip()
    return None


def _cut_after(words: list[str], title: list[str], low_title: list[str], head_last: str,
               start: int | None, values: set[str]) -> str | None:
    """The cut name among `words` (the copy after the brand), or None. A run of the
    title as written from its start is how people shorten a long title ("Educational
    Insights ... Space Station" of "... Space Station Toy"); a cut is a run that skips
    words of the title, or one of the product's fact values only ("Kids Boys")."""
    if not words:
        return None
    first = _word(words[0])
    if (first.lower() in CONNECTORS and len(words) > 1 and first.lower() in low_title
            and _named(_word(words[1])) and _word(words[1]).lower() in low_title):
        return " ".join(_word(w) for w in words[:2])  # "de Toilette": its start is gone
    if _named(first) and first.lower() not in low_title and first.lower().endswith("s") \
            and stem(first) == stem(head_last) and first.lower() != head_last:
        return first  # "Cloudbreak Jackets": one product named in the plural
    run, at = [], -1
    for i, raw in enumerate(words):
        word = _word(raw)
        low = word.lower()
        later = [j for j in range(at + 1, len(low_title)) if low_title[j] == low]
        if not word or not later or not (_named(word) or (low in CONNECTORS and run)):
            break
        run.append((i, word, later[0]))
        at = later[0]
        if raw != raw.rstrip(_EDGE):
            break  # punctuation after it ends the name
    while run and run[-1][1].lower() in CONNECTORS:
        run.pop()
    if not run:
        return None
    i, last, j = run[-1]
    if _is_code(last) or last.lower() == head_last or j + 1 >= len(title):
        return None
    if title[j] != title[j].rstrip(",:;|") or low_title[j + 1] in PHRASE_BREAKS \
            or not re.match(r"[^\W\d_]", low_title[j + 1]):
        return None  # the title's own phrase ends here
    after = _word(words[i + 1]).lower() if i + 1 < len(words) else ""
    if after and words[i] == words[i].rstrip(_EDGE) and after in low_title:
        return None  # the copy goes on with the title's words: "Elissa bootcut jeans"
    at = [j for _, _, j in run]
    skips = (start is not None and at[0] != start) or any(
        b != a + 1 for a, b in zip(at, at[1:]))
    if not skips and not all(w.lower() in values for _, w, _ in run):
        return None
    return " ".join(w for _, w, _ in run)


def repeated_keyword(text: str, product: ProductFacts, min_run: int = 5) -> str | None:
    """A word said twice in the run of the title that the copy repeats ("Tweezer,
    Tweezers for Men", "Charger ... Charging Cable"): a title stuffed with search
    keywords, pasted, is not a name a person would write."""
    raw = product.title.split()
    best: list[str] = []
    for i in range(len(raw)):
        for j in range(len(raw), i + max(min_run, len(best) + 1) - 1, -1):
            if " ".join(raw[i:j]) in text:  # pasted as written
                best = raw[i:j]
                break
    seen = {stem(w) for w in (product.brand or "").split()}  # "Saree mall ... Saree"
    for word in (_word(w) for w in best):
        if len(word) >= 4 and word.replace("-", "").isalpha():
            if stem(word) in seen and stem(word) not in {stem(w) for w in (
                    product.brand or "").split()}:
                return word
            seen.add(stem(word))
    return None
