"""`CopyGate`: the one judge of copy, whatever wrote it (generator, template, human,
edited). Serving, best-of-n, evaluation, promotion, batch jobs and `adcraft check-copy`
all ask it, and every copy-quality figure is computed by it.

It runs every guardrail (`content.guardrails`: numbers and prices, compliance,
privacy, injection, length; `content.relevance`: chatter) and those that read the copy
as a person would, open-vocabulary:
- `content.open_claims.OpenClaims`: each content word must be in the product's own
  text or be a connecting word; names the text does not hold block the variant;
- `content.open_claims.AboutProduct`: it names the product's brand or type;
- `content.wellformed.WellFormed`: the locale's language, real words, whole sentences.
A verdict is ok when nothing but warnings was found. Thresholds live in
`settings.GateSettings`, chosen on the `tune` split of `bench/data/copy_gate`; its
precision and recall are printed by `python -m bench.copy_gate`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from adcraft.content.claims import FactVocabulary
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
from adcraft.content.open_claims import AboutProduct, OpenClaims
from adcraft.content.prompts import SYSTEM_PROMPT
from adcraft.content.reading import is_cjk, language_of, parse, read_ahead
from adcraft.content.relevance import OnTask
from adcraft.content.request import CopyKind, CopyRequest, ProductFacts
from adcraft.content.wellformed import WellFormed
from adcraft.features.profiles import ShopperProfile
from adcraft.settings import GateSettings

__all__ = ["CopyGate", "Verdict", "defect_of", "parse"]
# the defect class of each older guardrail's findings (benchmark and reports)
DEFECTS = {"grounding": "unsupported_claim", "compliance": "compliance", "privacy": "pii",
           "injection": "incoherent", "length_format": "length", "on_task": "off_product"}


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
        """Each finding with its phrase and where that stands in the text (`start`,
        `end`: character offsets of its last occurrence; None where it is not a span of
        the text, e.g. a length finding)."""
        out = []
        for f in self.findings:
            start = self.text.rfind(f.span) if f.span else -1
            out.append({"check": f.guardrail, "defect": defect_of(f), "severity": f.severity,
                        "phrase": f.span, "why": f.message,
                        "start": start if start >= 0 else None,
                        "end": start + len(f.span) if start >= 0 else None})
        return out


class CopyGate:
    """The guardrails for one kind, length and locale of copy, run as one judge."""

    def __init__(self, vocabulary: FactVocabulary | None = None, kind: CopyKind | str = (
            CopyKind.ad_copy), locale: str = "en-GB", max_chars: int | None = None,
                 known_names: Iterable[str] = (), settings: GateSettings | None = None):
        self.settings = settings or GateSettings()
        self.locale = locale
        vocabulary = vocabulary or FactVocabulary({})
        self.guardrails: list[Guardrail] = [
            # open claims read every word of English and Chinese copy; the catalogue's
            # fact terms still guard Japanese and Korean, which have no segmenter here
            Grounding(vocabulary if language_of(locale) in {"ja", "ko"}
                      else FactVocabulary({})),
            OpenClaims(locale, self.settings),
            Compliance(self.settings.compliance_terms, locale), Privacy(known_names),
            Injection([SYSTEM_PROMPT]), LengthFormat(kind, max_chars), OnTask(),
            AboutProduct(locale), WellFormed(locale, kind, self.settings)]

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

    def read_ahead(self, texts: Iterable[str]) -> None:
        """Read these texts in one batch before they are judged (English copy)."""
        if not is_cjk(self.locale):
            read_ahead(t for text in texts for t in (text, text.strip()))

    def judge(self, text: str, product: ProductFacts,
              profile: ShopperProfile | None = None) -> Verdict:
        """The verdict on `text` exactly as written (no repair)."""
        findings = run_guardrails(text, product, profile, self.guardrails)
        return Verdict(text, all(f.severity == "warn" for f in findings), tuple(findings))

    def filter(self, texts: Sequence[str], product: ProductFacts,
               profile: ShopperProfile | None = None) -> list[CheckedVariant]:
        """Each text judged, repaired where a sentence can go, and judged again."""
        self.read_ahead(texts)
        return filter_variants(texts, product, profile, self.guardrails)



@lru_cache(maxsize=256)
def _default_gate(vocabulary: FactVocabulary | None, kind: CopyKind, locale: str,
                  max_chars: int) -> CopyGate:
    return CopyGate(vocabulary, kind, locale, max_chars)
