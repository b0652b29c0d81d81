"""`CopyGate`: the one judge of copy, whatever wrote it (generator, template, human,
edited). Serving, best-of-n, evaluation, promotion, batch jobs and `adcraft check-copy`
all ask it, and every copy-quality figure is computed by it.

It runs every guardrail (`content.guardrails`, `content.relevance`) and two that read
the copy with spaCy, open-vocabulary:
- `OpenClaims`: each content word (noun, adjective, verb, adverb, number) must be in
  the product's own text (word, lemma or stem), or be a connecting word
  (`content.lexicon`); a person, organisation, place or brand the product's text does
  not name blocks the variant.
- `WellFormed`: the copy is in the locale's language (lingua), its words are words
  (the product's own, or wordfreq's), and it does not stop mid-sentence.
A verdict is ok when nothing but warnings was found. Thresholds live in
`settings.GateSettings`, chosen on the `tune` split of `bench/data/copy_gate`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from adcraft.content.claims import CJK, FactVocabulary
from adcraft.content.guardrails import (
    CheckedVariant,
    Compliance,
    Finding,
    Grounding,
    Guardrail,
    Injection,
    LengthFormat,
    Privacy,
    filter_variants,
    run_guardrails,
)
from adcraft.content.lexicon import CONNECTING, NUMBER_WORDS
from adcraft.content.prompts import SYSTEM_PROMPT
from adcraft.content.reading import (
    CJK_LOCALES,
    detect_language,
    language_of,
    nlp,
    product_text,
    word_zipf,
)
from adcraft.content.relevance import OnTask
from adcraft.content.request import CopyKind, CopyRequest, ProductFacts
from adcraft.features.profiles import ShopperProfile
from adcraft.settings import GateSettings

CLAIM_POS = {"NOUN", "PROPN", "ADJ", "VERB", "ADV"}
NAME_ENTITIES = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "EVENT",
                 "WORK_OF_ART", "LAW", "LANGUAGE"}
_CJK_RUN = re.compile(f"[{CJK}]")
_ENDS_SENTENCE = re.compile(r"[.!?…)\]\"'”’»]\s*$")
# the defect class of each older guardrail's findings (benchmark and reports)
DEFECTS = {"grounding": "unsupported_claim", "compliance": "compliance", "privacy": "pii",
           "injection": "incoherent", "length_format": "length", "on_task": "off_product"}


def _is_cjk(locale: str) -> bool:
    return language_of(locale) in CJK_LOCALES


class OpenClaims:
    """Every claim the copy makes, whatever its words, read against the product's text."""

    name = "open_claims"

    def __init__(self, locale: str = "en-GB", settings: GateSettings | None = None):
        self.locale, self.settings = locale, settings or GateSettings()

    def check(self, copy: str, facts: ProductFacts,
              profile: ShopperProfile | None = None) -> list[Finding]:
        if _is_cjk(self.locale):
            return []  # the vocabulary grounding reads CJK copy; spaCy here is English
        held = product_text(facts)
        out: list[Finding] = []
        doc = nlp()(copy)
        named = set()
        for ent in doc.ents:
            if ent.label_ not in NAME_ENTITIES:
                continue
            missing = [t for t in ent if t.is_alpha and not t.is_stop
                       and t.lower_ not in CONNECTING and not held.holds(t.text, t.lemma_)]
            if missing:
                named.update(t.i for t in ent)
                out.append(Finding(self.name, "block", f"'{ent.text}' ({ent.label_.lower()}) "
                                   "is not named in the product's data", ent.text,
                                   defect="wrong_brand_or_name"))
        for token in doc:
            if token.i in named or not token.is_alpha or len(token.text) < 2:
                continue
            low, lemma = token.lower_, token.lemma_.lower()
            if token.like_num or low in NUMBER_WORDS:
                value = NUMBER_WORDS.get(low)
                if value is not None and not (held.holds(low) or value in held.numbers):
                    out.append(Finding(self.name, "repair", f"'{token.text}' is not a number "
                                       "the product's data states", token.text,
                                       defect="wrong_number"))
                continue
            if token.pos_ not in CLAIM_POS or low in CONNECTING or lemma in CONNECTING:
                continue
            if held.holds(low, lemma):
                continue
            if token.pos_ == "VERB" and word_zipf(low) >= self.settings.common_verb_zipf:
                continue  # "holds", "protects": how copy says what the data states
            if token.pos_ == "PROPN" and token.text[:1].isupper():
                out.append(Finding(self.name, "block", f"'{token.text}' is a name the "
                                   "product's data does not hold", token.text,
                                   defect="wrong_brand_or_name"))
            else:
                out.append(Finding(self.name, "repair", f"'{token.text}' is not supported by "
                                   "the product's data", token.text,
                                   defect="unsupported_claim"))
        return out


class WellFormed:
    """Copy a shopper can read: the locale's language, real words, whole sentences."""

    name = "well_formed"

    def __init__(self, locale: str = "en-GB", kind: CopyKind | str = CopyKind.ad_copy,
                 settings: GateSettings | None = None):
        self.locale, self.kind = locale, CopyKind(kind)
        self.settings = settings or GateSettings()

    def check(self, copy: str, facts: ProductFacts,
              profile: ShopperProfile | None = None) -> list[Finding]:
        text = copy.strip()
        if not text:
            return []
        want = language_of(self.locale)
        out = []
        words = re.findall(r"[^\W\d_]+", text)
        cjk_share = len(_CJK_RUN.findall(text)) / max(1, sum(len(w) for w in words))
        if want in CJK_LOCALES:
            found = detect_language(text) if cjk_share < 0.5 or want != "zh" else "zh"
        elif cjk_share > 0.2:
            found = "zh"
        elif len(words) >= self.settings.min_words_for_language:
            found = detect_language(text)
        else:
            found = want
        if found is not None and found != want and not (want == "zh" and found == "ja"):
            out.append(Finding(self.name, "block", f"written in '{found}', the locale "
                               f"'{self.locale}' reads '{want}'", text,
                               defect="wrong_language"))
            return out
        if want in CJK_LOCALES:
            return out
        held = product_text(facts)
        for word in dict.fromkeys(words):
            if len(word) < 3 or held.holds(word):
                continue
            if word_zipf(word.lower(), want) < self.settings.min_word_zipf:
                out.append(Finding(self.name, "block", f"'{word}' is not a word",
                                   word, defect="incoherent"))
        repeated = re.search(r"\b(\w+(?:\s+\w+){0,2})\s+\1\b", text, re.IGNORECASE)
        if repeated and not repeated.group(1).isdigit():
            out.append(Finding(self.name, "block", "words repeated", repeated.group(0),
                               defect="incoherent"))
        if self.kind is not CopyKind.email_subject and not _ENDS_SENTENCE.search(text):
            out.append(Finding(self.name, "block", "the copy stops mid-sentence",
                               text.split()[-1], defect="incoherent"))
        return out


def defect_of(finding: Finding) -> str | None:
    """The defect class of a finding (the benchmark's names)."""
    return finding.defect or DEFECTS.get(finding.guardrail)


@dataclass(frozen=True)
class Verdict:
    """The gate's answer for one text: `ok` when only warnings were found."""

    text: str
    ok: bool
    findings: tuple[Finding, ...]

    def findings_json(self) -> list[dict]:
        return [{"check": f.guardrail, "defect": defect_of(f),
                 "severity": f.severity, "phrase": f.span, "why": f.message}
                for f in self.findings]


class CopyGate:
    """The guardrails for one kind, length and locale of copy, run as one judge."""

    def __init__(self, vocabulary: FactVocabulary | None = None, kind: CopyKind | str = (
            CopyKind.ad_copy), locale: str = "en-GB", max_chars: int | None = None,
                 known_names: Iterable[str] = (), settings: GateSettings | None = None):
        self.settings = settings or GateSettings()
        vocabulary = vocabulary or FactVocabulary({})
        self.guardrails: list[Guardrail] = [
            Grounding(vocabulary), OpenClaims(locale, self.settings),
            Compliance(self.settings.compliance_terms, locale), Privacy(known_names),
            Injection([SYSTEM_PROMPT]), LengthFormat(kind, max_chars), OnTask(),
            WellFormed(locale, kind, self.settings)]

    @classmethod
    def for_request(cls, request: CopyRequest, vocabulary: FactVocabulary | None = None,
                    known_names: Iterable[str] = (), settings: GateSettings | None = None,
                    ) -> CopyGate:
        """The gate for a request's kind, slot and locale (built once per combination
        and shop vocabulary: its patterns are compiled when it is built)."""
        names = tuple(known_names)
        if settings is not None or names:
            return cls(vocabulary, request.kind, request.locale, request.limit, names,
                       settings)
        return _default_gate(vocabulary, request.kind, request.locale, request.limit)

    def judge(self, text: str, product: ProductFacts,
              profile: ShopperProfile | None = None) -> Verdict:
        """The verdict on `text` exactly as written (no repair)."""
        findings = run_guardrails(text, product, profile, self.guardrails)
        return Verdict(text, all(f.severity == "warn" for f in findings), tuple(findings))

    def filter(self, texts: Sequence[str], product: ProductFacts,
               profile: ShopperProfile | None = None) -> list[CheckedVariant]:
        """Each text judged, repaired where a sentence can go, and judged again."""
        return filter_variants(texts, product, profile, self.guardrails)



@lru_cache(maxsize=256)
def _default_gate(vocabulary: FactVocabulary | None, kind: CopyKind, locale: str,
                  max_chars: int) -> CopyGate:
    return CopyGate(vocabulary, kind, locale, max_chars)
