"""The last guardrail: is this copy for this product at all?

A small model that misreads the task writes chatty replies ("I'm happy to help you
craft your ad! What type of product...") or generic praise of nothing in particular.
Such text makes no false claim, so grounding passes it; it is still not copy. `OnTask`
blocks a variant that names nothing of the product (brand, a word of its title or
category, a fact) or that talks to the marketer instead of the shopper.
"""

from __future__ import annotations

import re

from adcraft.content.claims import normalise, term_regex
from adcraft.content.guardrails import Finding
from adcraft.content.request import ProductFacts
from adcraft.features.profiles import ShopperProfile

MIN_WORD_CHARS = 4  # title words shorter than this ("the", "for", "set") name nothing
STOP_WORDS = frozenset("""with from your this that these those their them they have
for and the new pack size free more most over under into onto only very just also""".split())

_CHATTER = re.compile("|".join([
    r"^\W*(?:sure|certainly|okay|of course|absolutely)\b[,!.:]",  # a reply, not copy
    r"^\W*(?:here(?:'s|’s|\s+is|\s+are)|hello|hi|hey|dear)\b",
    r"\b(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll)\b",  # copy speaks of the product, not itself
    r"\b(?:ad copy|marketing copy|copywriting|your (?:ad|product|business|store|shop))\b",
    r"\[[^\]\n]{2,40}\]",  # template placeholders: [Brand], [Customer Service]
    r"\?\s*$",  # ends on a question to the writer
]), re.IGNORECASE | re.MULTILINE)


def product_words(facts: ProductFacts) -> frozenset[str]:
    """Words and terms that show copy is about this product: brand, fact values, and
    the content words of its title and category."""
    words = {normalise(w) for w in re.findall(r"[^\W\d_][\w'-]*", " ".join(
        [facts.title, *facts.category_path])) if len(w) >= MIN_WORD_CHARS}
    return frozenset((words - STOP_WORDS) | facts.terms())


class OnTask:
    name = "on_task"

    def check(self, copy: str, facts: ProductFacts,
              profile: ShopperProfile | None = None) -> list[Finding]:
        text = normalise(copy)
        findings = [Finding(self.name, "block", "the copy talks to the writer, not the shopper",
                            m.group(0)) for m in _CHATTER.finditer(copy)]
        named = any(re.search(term_regex(w), text) for w in product_words(facts))
        if text and not named:
            findings.append(Finding(self.name, "block",
                                    "the copy names nothing of the product", copy))
        return findings
