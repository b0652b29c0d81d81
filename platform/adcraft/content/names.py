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
from functools import lru_cache

from adcraft.content.reading import parse, stem, title_head, word_zipf
from adcraft.content.request import ProductFacts

CONNECTORS = frozenset({"de", "du", "des", "la", "le", "of", "&", "and", "di", "von"})
# title words that end a phrase of it ("... Jeans with Belt", "Shoes for Men")
PHRASE_BREAKS = frozenset({"with", "for", "and", "&", "-", "–", "|", "in", "by", "+"})
COINED_ZIPF = 3.0  # rarer than this: a coined model name ("Maxico"), not a description
MISSPELT_ZIPF = 1.0  # a word rarer than this, one letter from a common word, is a typo
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
    mentions = re.finditer(re.escape(brand) + r"(?:['’]s)?(?=[\s,.:;!?]|$)", text,
                           re.IGNORECASE)
    for n, m in enumerate(mentions):
        if text[m.end():m.end() + 1] in {",", ".", ":", ";", "!", "?"}:
            continue  # the brand ends a phrase: nothing of a name follows it
        yield n == 0, text[m.end():].split()[:12]


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
    extra = re.search(r"\s(?:with|plus|including|includes)\s", product.title, re.IGNORECASE)
    head_end = len(product.title[:extra.start()].split()) - 1 if extra else None  # "... Kurta"
    for first, words in _after_brand(text, brand):  # a later mention may name a part
        found = _cut_after(words, title, low_title, head_last, start, values,
                           head_end if first else None)
        if found:
            return f"{brand} {found}".strip()
    return None


def _cut_after(words: list[str], title: list[str], low_title: list[str], head_last: str,
               start: int | None, values: set[str], head_end: int | None = None) -> str | None:
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
    coded = any(c.isdigit() for c in last) or any(c.isupper() for c in last[1:])  # "ME-709"
    if head_end is not None and not coded and all(at > head_end for _, _, at in run):
        return " ".join(w for _, w, _ in run)  # "Biba Churidar Dupatta": what it comes with
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


STUFFED_RUN = 8  # words pasted from the title: a shorter run with no break is a name
_KEYWORD_BREAK = re.compile(r"[,|&]|\s[-–]\s")


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
    if len(best) < STUFFED_RUN and not _KEYWORD_BREAK.search(" ".join(best)):
        return None  # a name may say a word twice: "Brow Last Longwearing Brow Gel"
    seen = {stem(w) for w in (product.brand or "").split()}  # "Saree mall ... Saree"
    for word in (_word(w) for w in best):
        if len(word) >= 4 and word.replace("-", "").isalpha():
            if stem(word) in seen and stem(word) not in {stem(w) for w in (
                    product.brand or "").split()}:
                return word
            seen.add(stem(word))
    return None


def _one_edit(a: str, b: str) -> bool:
    """`a` and `b` differ by one letter dropped, added, changed or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def misspelt(word: str, held) -> str | None:
    """The common word of the product's own text that `word`, found in no word list, is
    one letter away from ("paded" of a "Padded Jacket"), else None. A catalogue's typo
    copied into copy is still a typo; a coined name ("Maxico") is near no such word."""
    low = word.lower()
    if word_zipf(low) >= MISSPELT_ZIPF or any(c.isdigit() for c in low):
        return None
    for known in held.words:
        if known.isalpha() and _one_edit(low, known) and word_zipf(known) >= COINED_ZIPF:
            return known
    return None


TYPO_OF_ZIPF = 3.5  # a common word: "attached" of "attched", "wallet" of "walet"
LONG_TYPO_OF_ZIPF = 3.0  # for words of eight letters or more: "embroidered" of "embroidared"
VERY_LONG_TYPO_OF_ZIPF = 2.0  # eleven letters or more
LONG_TYPO_LETTERS = 9  # a coined name a letter more than a word is shorter ("Maxico")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=8192)
def typo_of(word: str) -> str | None:
    """The common English word that `word` (lower case, five letters or more, in no word
    list) is one letter away from, else None: a typo even where the catalogue makes it
    too ("attched shorts")."""
    if len(word) < 5 or not word.isalpha() or not word.islower() or word_zipf(
            word) >= MISSPELT_ZIPF:
        return None
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = ([a + b[1:] for a, b in splits if b]
             + [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
             + [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
             + [a + c + b for a, b in splits for c in _LETTERS])
    # the likeliest word keeps the first letter ("yellow" of "yelow", not "below")
    best = max(set(edits) - {word}, key=lambda e: (word_zipf(e) >= LONG_TYPO_OF_ZIPF,
                                                   e[:1] == word[:1], word_zipf(e)))
    # a long word has few neighbours: one letter from a less common word is still a typo
    # ("embroidared"); a short one may be a word of its own ("dohar", not "doha")
    least = TYPO_OF_ZIPF if len(word) < 8 else LONG_TYPO_OF_ZIPF if len(word) < 11 else (
        VERY_LONG_TYPO_OF_ZIPF)  # "multicoloured" of "multicolured"
    return best if word_zipf(best) >= least else None


def titled_typo(word: str, facts) -> str | None:
    """`typo_of` for a capitalised word ("Mustard Yelow", as a title writes it) that is
    not the maker's: not the brand's, not the title's first word, not written in capitals
    there ("MAONO")."""
    if not (word[:1].isupper() and word[1:].islower()):
        return None
    title = facts.title.split()
    brand = {w.lower() for w in re.findall(r"[^\W_]+", facts.brand or "")}
    if word.lower() in brand or (title and word == title[0].strip(",.:;")) or re.search(
            rf"\b{re.escape(word.upper())}\b", facts.title):
        return None
    # a letter dropped ("Yelow") or two swapped; a letter more or another letter is how
    # model names are coined ("Orosa", "Qcute", "Maxico")
    typo = typo_of(word.lower())
    # ... but a long word a letter more than a word is a typo ("Tourquoise")
    return typo if typo and (len(typo) > len(word) or len(word) >= LONG_TYPO_LETTERS or sorted(
        typo) == sorted(word.lower())) else None


def brand_as_written(word: str, brand: str | None) -> str | None:
    """The brand's own word that `word` is one letter away from ("Spencers" of the
    brand "Marks & Spencer", pasted from a title that misspells it), else None; a
    possessive ("Levi's" of "Levis") is the brand."""
    if not brand or len(word) < 4 or not word[:1].isupper():
        return None
    low = re.sub(r"['’]s$", "", word.lower())
    words = [w.lower() for w in re.findall(r"[^\W_]+", brand)]
    if low in words or low + "s" in words and low != word.lower():  # "Levi's" of "Levis"
        return None
    return next((w for w in words if len(w) >= 4 and _one_edit(low, w)), None)


def brand_phrase_missed(text: str, brand: str | None) -> str | None:
    """A brand of several words written with one of its later words a letter off ("STAR
    WAR" of "STAR WARS", "Marks & Spencers"): the phrase as the copy writes it, else None."""
    words = [w.lower() for w in re.findall(r"[^\W_]+", brand or "")]
    if len(words) < 2:
        return None
    for m in re.finditer(rf"(?<!\w){re.escape(words[0])}(?!\w)", text, re.IGNORECASE):
        after = re.findall(r"[^\W_]+", re.sub(r"['’]s\b", "", text[m.end():]))[:len(words) - 1]
        said = [w.lower() for w in after]
        if len(said) == len(words) - 1 and said != words[1:] and all(
                a == b or len(b) >= 3 and _one_edit(a, b) for a, b in zip(said, words[1:])):
            return text[m.start():m.end()] + " " + " ".join(after)
    return None


_WITH = re.compile(r"\s+with\s+(.+)$", re.IGNORECASE)


def set_partner(title: str) -> tuple[str, str] | None:
    """(what the title names first, the rest of the set) when the title sells a set of
    things worn together ("W Women Pink Printed Top" and "Dhoti Pants & Ethnic Jacket"),
    else None."""
    from adcraft.content.lexicon import SET_PARTS

    m = _WITH.search(title)
    if m is None:
        return None
    words = [w.lower() for w in re.findall(r"[^\W\d_][\w-]*", m[1])]
    return (title[:m.start()].strip(), m[1].strip()) if set(words) & SET_PARTS else None


def names_part_of_set(text: str, title: str) -> str | None:
    """The set's first thing, named as the whole product, with none of the rest of the
    set said ("Just for you: W Women Pink Printed Top"), else None."""
    pair = set_partner(title)
    if pair is None:
        return None
    first, rest = pair
    low = text.lower()
    said = {stem(w) for w in re.findall(r"[^\W\d_][\w-]*", low)}
    partner = {stem(w.lower()) for w in re.findall(r"[^\W\d_][\w-]*", rest)}
    return first if first.lower() in low and not said & partner else None


_HEAD_BREAK = re.compile(r"\s*(?:[|,(\[:;]|\s[-–]\s)")


def maker_only(facts: ProductFacts) -> str | None:
    """The title's head when it is one coined word, or a person's name (a maker or an artist),
    before a break, with no brand field ("Kauma" of "Kauma - Vinyl Record Storage Box
    ...", "TOCOL" of "TOCOL [2+2 Pack ...", "Kevin Murphy" of "Kevin Murphy - Gritty
    Business - 100mg"): a maker's name, not what the product is."""
    title = facts.title.strip()
    head = _HEAD_BREAK.split(title, maxsplit=1)[0].strip()
    if facts.brand or head == title or len(title.split()) < 2:
        return None
    if re.fullmatch(r"[^\W\d_]+", head) and word_zipf(head.lower()) < COINED_ZIPF:
        return head
    words = head.split()
    if 2 <= len(words) <= 3 and all(w[:1].isupper() and w[1:].islower() for w in words):
        # a person as spaCy reads one in a sentence, whose first word stays a name in
        # lower case too ("kevin", not "mouse" of "Mouse Pad")
        cased = parse(f"It was made by {head} last year.")
        lower = parse(f"it was made by {head.lower()} last year.")
        if any(e.label_ == "PERSON" and e.text == head for e in cased.ents) and lower[
                4].pos_ == "PROPN":
            return head
    return None


GENERIC_ZIPF = 3.0  # every word this common: a description ("Mouse Pad"), not a name
GENERIC_WORDS_MAX = 8
COMMON_ZIPF = 4.0  # "fire", "leather": a phrase that opens on one describes, it does not name
_NAME_SLOT = re.compile(r"\b(?:meet|like|hello to) $", re.IGNORECASE)  # an object, not a list
_PHRASE_END = re.compile(r"\s*(?:[,(\[|:;]|[-–]\s|\s(?:for|with)\s)", re.IGNORECASE)


def generic_phrase(product: ProductFacts, maker_named: bool = True) -> str | None:
    """The title's first phrase when it only says what the product is, in common words,
    and the maker is named later ("Mouse Pad" of "Mouse Pad, Qcute 9.18" ...", "Hand
    Grips" of "Hand Grips for Switch ..., FYOUNG Hand Grips ..."); else None. A film's
    or a game's title, or a maker's name in common words ("Spin Master Games ...
    Perplexus") does not end on a break before the maker. `maker_named=False`: any
    such phrase, a whole title too, maker or none ("Dog Collar", "Swing State")."""
    if product.brand:
        return None  # the shop names its brand: the copy can say it
    title = product.title.strip()
    m = _PHRASE_END.search(title)
    if m is None and maker_named:
        return None
    phrase, rest = (title[:m.start()].strip(), title[m.start():]) if m else (title, "")
    named = re.findall(r"[^\W\d_]+", phrase)
    if not 2 <= len(phrase.split()) <= GENERIC_WORDS_MAX or not all(
            w[0].isupper() and w[1:].islower() and word_zipf(w.lower()) >= GENERIC_ZIPF
            for w in named):
        return None
    maker = any(w[0].isupper() and word_zipf(w.lower()) < COINED_ZIPF
                for w in re.findall(r"[^\W\d_]{3,}", rest))
    return phrase if maker or not maker_named else None


def _common(word: str) -> bool:
    """A word of everyday English ("Fire", "Leather"), not a maker's ("Coleman")."""
    return word_zipf(word.lower()) >= COMMON_ZIPF


def as_common_noun(name: str) -> str:
    """A generic name as running text says it: "the fire truck toys with play mat"; with
    a rarer word that may be a name, as the title writes it ("the Coleman Rolling
    Cooler", "the Salon Quality Foot File": not half in capitals)."""
    if re.match(r"(?:The|A|An)\s", name):
        return name  # "The American Lady (The Glassblower Trilogy Book 2)": no "the The"
    words = name.split()
    if all(_common(w.strip(",.")) or not w[:1].isupper() for w in words):
        return "the " + " ".join(w.lower() if w[1:].islower() else w for w in words)
    return "the " + name


def generic_name(text: str, product: ProductFacts) -> str | None:
    """The generic phrase above used as a name, with no article ("Meet Mouse Pad for
    $13.99", "We think you will like Hand Grips."): ungrammatical, and not its name."""
    phrase = generic_phrase(product)
    if phrase is None:
        return None
    at = text.find(phrase)
    return phrase if at >= 0 and _NAME_SLOT.search(text[:at]) else None
