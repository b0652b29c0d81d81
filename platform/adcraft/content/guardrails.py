"""Guardrails: every check a piece of copy passes before a shopper sees it.

All share one interface, `check(copy, facts, profile) -> [Finding]`, so a pipeline runs
any list of them and a test runs every member. A finding says how bad it is: "block"
drops the variant, "repair" drops the sentence holding the span (or replaces the span
where the finding says how), "warn" is logged and kept. `filter_variants` repairs what
it can and re-checks the result, so a repaired variant has passed every guardrail.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from adcraft.content.claims import FactVocabulary, normalise
from adcraft.content.numbers import CURRENCIES, NUMBER, amount, close, decimals, rounds
from adcraft.content.request import MAX_CHARS, CopyKind, ProductFacts
from adcraft.features.profiles import ShopperProfile
from adcraft.settings import DEFAULT_COMPLIANCE_TERMS

Severity = Literal["block", "repair", "warn"]
MAX_REPAIR_ROUNDS = 3  # a repair can expose one more fix (a subject's trailing full stop)
LEAK_WORDS = 8  # this many consecutive words of the system prompt in copy is a leak


@dataclass(frozen=True)
class Finding:
    guardrail: str
    severity: Severity
    message: str
    span: str  # the offending text as it stands in the copy
    replacement: str | None = None  # repair by replacing the span's last occurrence
    defect: str | None = None  # the benchmark's defect class; None: the guardrail's own


class Guardrail(Protocol):
    name: str

    def check(self, copy: str, facts: ProductFacts,
              profile: ShopperProfile | None = None) -> list[Finding]: ...


def _phrase(term: str) -> str:
    """A whole-word pattern for `term` with any run of spaces inside."""
    return r"(?<![\w-])" + r"\s+".join(re.escape(w) for w in term.split()) + r"(?![\w-])"


def _any_of(terms: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile("|".join(_phrase(t) for t in ordered), re.IGNORECASE)


def _lines_and_sentences(text: str) -> list[list[str]]:
    return [[s for s in re.split(r"(?<=[.!?])\s+|(?<=[。！？；])", line.strip()) if s]
            for line in text.splitlines()]


def _tidy(text: str) -> str:
    lines = [re.sub(r"\s+([,.!?;:])", r"\1", re.sub(r"[ \t]+", " ", line)).strip()
             for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


# ---- grounding
def product_terms(vocabulary: FactVocabulary, facts: ProductFacts) -> frozenset[str]:
    """Terms the product holds: the vocabulary's, the request's own facts (a product
    added after the vocabulary was built) and those its title and description state."""
    return (vocabulary.product_facts.get(facts.product_id, frozenset()) | facts.terms()
            | vocabulary.find(facts.title) | vocabulary.find(facts.description))


class Grounding:
    """Every fact term, brand and number the copy states must be the product's own."""

    name = "grounding"

    def __init__(self, vocabulary: FactVocabulary):
        self.vocabulary = vocabulary

    def check(self, copy: str, facts: ProductFacts,
              profile: ShopperProfile | None = None) -> list[Finding]:
        held = product_terms(self.vocabulary, facts)
        findings, term_spans = [], []
        for term in sorted(self.vocabulary.find(copy)):
            match = re.search(_phrase(term), copy, re.IGNORECASE)
            if match:
                term_spans.append(match.span())
            if term not in held:
                findings.append(Finding(self.name, "repair",
                                        f"'{term}' is not among the product's facts",
                                        match.group(0) if match else term))
        own = " ".join([facts.title, facts.description, *facts.fact_values()])
        own = re.sub(r"(?<=\D),|,(?=\D)|(?<=[a-z])(?=\d)", ", ", own)  # "Charger,10W", "loop1"
        own = re.sub(r"(?<![\w.])\.(?=\d)", "0.", own)  # "Standard .88mm" is 0.88
        written = [(n, m.group("amount")) for m in NUMBER.finditer(own)
                   if (n := amount(m.group("amount"))) is not None]
        numbers = [n for n, _ in written]
        for m in NUMBER.finditer(copy):
            if any(a <= m.start() < b for a, b in term_spans):
                continue  # a number inside a fact term ("30-hour battery") is the term's
            if re.search(r"\bout\s+of\s*$", copy[:m.start()], re.IGNORECASE) or (
                    copy[:m.start()].endswith("/") and m.group("amount") in {"5", "10", "100"}):
                continue  # the scale of a rating ("4.5 out of 5", "4.5/5"; not "1/144" scale)
            if (value := amount(m.group("amount"))) is None:
                continue
            unit = (m.group("unit") or "").strip().lower()
            currency = CURRENCIES.get(m.group("symbol") or "") or CURRENCIES.get(unit)
            # written to the cent or the tenth ("$9.21", "Declan 3.0"), a number is exact:
            # only a round one is the data's rounded ("€50" for €49.99)
            exact = decimals(m.group("amount")) not in {"", "0", "00"}
            if currency:
                ok = bool(facts.price) and value > 0 and (
                    abs(value - facts.price) < 0.005 if exact else close(value, facts.price)
                ) and (facts.currency is None or facts.currency.upper() == currency)
                what = f"price {m.group(0).strip()} is not the product's price"
            else:  # a percentage is never the price ("50%" off a €49.99 jacket)
                measured = unit == "%" or re.match(r"\s?[^\W\d_]", copy[m.end():])  # "30W"
                held = numbers if measured or facts.price is None else [*numbers, facts.price]
                ok = any(rounds(value, n) for n in held) if not decimals(
                    m.group("amount")) else any(
                    abs(value - n) < 1e-9 and decimals(raw) for n, raw in written) or (
                    len(held) > len(numbers) and abs(value - held[-1]) < 0.005)
                what = f"'{m.group(0).strip()}' is not a number in the product's facts"
            if not ok:
                findings.append(Finding(self.name, "repair", what, m.group(0).strip(),
                                        defect="wrong_number"))
        return findings


# ---- compliance
class Compliance:
    """Banned or risky terms per locale ("en-GB" also takes the "en" list)."""

    name = "compliance"

    def __init__(self, terms_by_locale: dict[str, list[str]] | None = None,
                 locale: str = "en-GB"):
        table = DEFAULT_COMPLIANCE_TERMS if terms_by_locale is None else terms_by_locale
        language = locale.split("-")[0]
        self.terms = list(dict.fromkeys([*table.get(language, []), *table.get(locale, [])]))
        self._pattern = _any_of(self.terms)

    def check(self, copy: str, facts: ProductFacts,
              profile: ShopperProfile | None = None) -> list[Finding]:
        if self._pattern is None:
            return []
        text = copy.replace("\u2019", "'")  # same length, so spans line up with the copy
        return [Finding(self.name, "repair", f"'{m.group(0)}' is a banned claim",
                        copy[m.start():m.end()]) for m in self._pattern.finditer(text)]


# ---- privacy
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)\d[\d\s().-]{6,}\d(?!\w)"  # +44 20 7946 0958, 0049 30 1234567
    r"|(?<![\w(])\(?0\d{1,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}(?!\w)"  # (020) 7946 0958
    r"|(?<![\w(])\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\w)"  # 555-123-4567
)
PHONE_DIGITS = (9, 15)  # E.164 numbers carry at most 15 digits; fewer than 9 is no phone


class Privacy:
    """No personal data in copy: emails, phone numbers, the shopper's own names."""

    name = "privacy"

    def __init__(self, known_names: Iterable[str] = ()):
        names = {n.strip() for n in known_names if n and n.strip()}
        parts = {p for n in names for p in n.split() if len(p) >= 2}
        self._names = _any_of(names | parts)

    def _spans(self, text: str) -> list[tuple[str, re.Match[str]]]:
        """Personal data in `text`, left to right, none overlapping (an email's own
        name parts are part of the email)."""
        found = [("email", m) for m in _EMAIL.finditer(text)]
        found += [("phone", m) for m in _PHONE.finditer(text)
                  if PHONE_DIGITS[0] <= sum(c.isdigit() for c in m.group(0)) <= PHONE_DIGITS[1]]
        if self._names is not None:
            found += [("name", m) for m in self._names.finditer(text)]
        found.sort(key=lambda km: (km[1].start(), -km[1].end()))
        kept: list[tuple[str, re.Match[str]]] = []
        for kind, m in found:
            if not kept or m.start() >= kept[-1][1].end():
                kept.append((kind, m))
        return kept

    def check(self, copy: str, facts: ProductFacts,
              profile: ShopperProfile | None = None) -> list[Finding]:
        return [Finding(self.name, "block", f"personal data ({kind}) in copy", m.group(0))
                for kind, m in self._spans(copy)]

    def redact(self, text: str) -> str:
        """`text` with emails, phone numbers and known names replaced by placeholders."""
        for kind, m in reversed(self._spans(text)):
            text = text[:m.start()] + f"[{kind}]" + text[m.end():]
        return text


# ---- injection
_COMMANDS = [  # instructions hidden in data, or echoed in output
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}?\b(?:instructions?|prompts?"
    r"|rules|directions)\b",
    r"\b(?:new|updated|system|developer)\s+(?:instructions?|prompt)\s*:",
    r"\byou\s+are\s+now\b",
    r"\bsystem\s+prompt\b",
    r"^\s*(?:system|assistant|user)\s*:",
]
_SELF_REFERENCE = [  # a model talking about itself is not copy
    r"\bas\s+an?\s+(?:ai|language\s+model|assistant|chatbot)\b",
    r"\bI(?:'m|\s+am)\s+an?\s+(?:ai|language\s+model|assistant|chatbot)\b",
    r"\bI\s+(?:cannot|can't)\s+(?:help|assist|write)\b",
]
_COMMAND = re.compile("|".join(_COMMANDS), re.IGNORECASE | re.MULTILINE)
_SIGNAL = re.compile("|".join(_COMMANDS + _SELF_REFERENCE), re.IGNORECASE | re.MULTILINE)
# fences and chat-template tokens: data must not close its block or open a turn
_CONTROL = re.compile(r"<<<|>>>|<\|[\w-]+\|>|\[/?INST\]|</?s>", re.IGNORECASE)
_URL = re.compile(
    r"\bhttps?://[^\s<>\"']+|\bwww\.[^\s<>\"']+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|shop|store|co\.uk|ly|info|biz)\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)


def _windows(text: str) -> list[str]:
    """Every run of LEAK_WORDS words, punctuation and case aside."""
    words = re.findall(r"\w+", text.lower())
    return [" ".join(words[i:i + LEAK_WORDS]) for i in range(len(words) - LEAK_WORDS + 1)]


def sanitize_data(text: str | None) -> str:
    """Product or review text with instruction-like sentences removed and fence or
    chat-template markers stripped; the rest kept, so facts still reach the prompt."""
    if not text:
        return ""
    kept = [" ".join(s for s in sentences if not _COMMAND.search(s))
            for sentences in _lines_and_sentences(_CONTROL.sub(" ", text))]
    return _tidy("\n".join(kept))


class Injection:
    """Output that shows the model obeyed instructions rather than wrote copy: echoed
    commands, talk about itself, fences, a leaked system prompt, links not in the facts."""

    name = "injection"

    def __init__(self, leak_texts: Sequence[str] = ()):
        self._leaks = {w for text in leak_texts for w in _windows(text)}

    def check(self, copy: str, facts: ProductFacts,
              profile: ShopperProfile | None = None) -> list[Finding]:
        findings = [Finding(self.name, "block", "instruction-like text in copy", m.group(0))
                    for m in _SIGNAL.finditer(copy)]
        findings += [Finding(self.name, "block", "prompt markup in copy", m.group(0))
                     for m in _CONTROL.finditer(copy)]
        leaked = [w for w in _windows(copy) if w in self._leaks]
        if leaked:
            findings.append(Finding(self.name, "block", "system prompt leaked into copy",
                                    leaked[0]))
        known = normalise(" ".join([facts.title, facts.description, *facts.fact_values()]))
        for m in _URL.finditer(copy):
            url = m.group(0).rstrip(".,;:!?)")
            if normalise(url) not in known:
                findings.append(Finding(self.name, "repair", "link not in the product's facts",
                                        url))
        return findings


# ---- length and format
MAX_HASHTAGS = {CopyKind.ad_copy: 1}  # other kinds: none
_MARKDOWN = re.compile(r"\*\*|__|`|^[ \t]*(?:#{1,6}|[-*•])[ \t]+", re.MULTILINE)
_HASHTAG = re.compile(r"(?<![\w#&])#[A-Za-z]\w*")


class LengthFormat:
    """Fits the slot: not empty, within the kind's length, a subject on one line with no
    full stop, no markdown, no hashtag spam."""

    name = "length_format"

    def __init__(self, kind: CopyKind | str = CopyKind.ad_copy, max_chars: int | None = None):
        self.kind = CopyKind(kind)
        self.max_chars = max_chars or MAX_CHARS[self.kind]

    def check(self, copy: str, facts: ProductFacts,
              profile: ShopperProfile | None = None) -> list[Finding]:
        text = copy.strip()
        if not text:
            return [Finding(self.name, "block", "the copy is empty", copy)]
        out = []
        if len(text) > self.max_chars:
            ends = [m.end() for m in re.finditer(r"[.!?](?=\s|$)|\n", text)]
            fits = [e for e in ends if e <= self.max_chars and text[:e].strip()]
            message = f"{len(text)} characters, over the {self.kind} limit of {self.max_chars}"
            out.append(Finding(self.name, "repair", message, text[fits[-1]:], "") if fits
                       else Finding(self.name, "block", message, text))
        if self.kind is CopyKind.email_subject:
            first = text.splitlines()[0]
            if len(first) < len(text):
                out.append(Finding(self.name, "repair", "an email subject is one line",
                                   text[len(first):], ""))
            last = re.search(r"\S*[^.]\.$", first)
            if last:
                out.append(Finding(self.name, "repair", "an email subject ends without a "
                                   "full stop", last.group(0), last.group(0)[:-1]))
        out += [Finding(self.name, "repair", "markdown in copy", m.group(0), "")
                for m in _MARKDOWN.finditer(text)]
        tags = _HASHTAG.findall(text)
        out += [Finding(self.name, "repair", "too many hashtags", t, "")
                for t in tags[MAX_HASHTAGS.get(self.kind, 0):]]
        out += [Finding(self.name, "warn", "repeated punctuation", m.group(0))
                for m in re.finditer(r"[!?]{2,}", text)]
        return out


# ---- running them (`prompts.guardrails_for` builds the full set for a request)
def run_guardrails(copy: str, facts: ProductFacts, profile: ShopperProfile | None,
                   guardrails: Sequence[Guardrail]) -> list[Finding]:
    """Every finding of every guardrail, in the order the guardrails are given."""
    return [f for g in guardrails for f in g.check(copy, facts, profile)]


def repair(copy: str, findings: Sequence[Finding]) -> str | None:
    """Copy without what the findings object to, or None when it cannot be saved: a
    blocking finding, or nothing left. The caller re-checks what comes back."""
    fixes = [f for f in findings if f.severity == "repair"]
    if any(f.severity == "block" for f in findings) or any(not f.span.strip() for f in fixes):
        return None
    text = copy
    for f in fixes:
        if f.replacement is not None:
            head, found, tail = text.rpartition(f.span)
            if found:
                text = head + f.replacement + tail
    drop = [normalise(f.span) for f in fixes if f.replacement is None]
    text = "\n".join(" ".join(s for s in sentences if not any(d in normalise(s) for d in drop))
                     for sentences in _lines_and_sentences(text))
    return _tidy(text) or None


@dataclass
class CheckedVariant:
    """One variant after the guardrails, with why it was repaired or dropped."""

    text: str  # what may be shown: the repaired copy, or the original when not kept
    findings: list[Finding] = field(default_factory=list)  # everything raised on the way
    repaired: bool = False
    kept: bool = True
    original: str = ""
    first: tuple[Finding, ...] = ()  # the findings on the original as written


def filter_variants(variants: Sequence[str], facts: ProductFacts,
                    profile: ShopperProfile | None,
                    guardrails: Sequence[Guardrail]) -> list[CheckedVariant]:
    """Check, repair and re-check each variant; every variant comes back, `kept` says
    whether it may be shown."""
    out = []
    for original in variants:
        text: str | None = original
        findings = first = run_guardrails(original, facts, profile, guardrails)
        seen = list(findings)
        repaired = False
        for _ in range(MAX_REPAIR_ROUNDS):
            if text is None or all(f.severity == "warn" for f in findings):
                break
            text = repair(text, findings)
            repaired = True
            if text is not None:
                findings = run_guardrails(text, facts, profile, guardrails)
                seen += [f for f in findings if f not in seen]
        kept = text is not None and all(f.severity == "warn" for f in findings)
        out.append(CheckedVariant(text if kept and text else original, seen,
                                  repaired and kept, kept, original, tuple(first)))
    return out
