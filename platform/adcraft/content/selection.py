"""Which of the generator's variants a shopper may be shown.

The generator writes more candidates than variants asked for (`candidates_per_variant`),
the guardrails drop what fails, and `pick` chooses up to k of the rest:
- the same copy twice is one variant (and copy that differs only in a word or two,
  `max_similarity` of word pairs shared, counts as the same);
- where the product holds something the shopper likes, and some candidate says so,
  only such candidates are shown (`personal_first`): that is the copy written for
  this shopper, the rest could be shown to anyone.

The same rule serves requests (`serving.copy_choice`) and scores generators
(`content.evaluation`), so an evaluation measures what shoppers would see.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from adcraft.content.prompts import liked_in_product
from adcraft.content.request import CopyRequest
from adcraft.settings import CopySelection

_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def word_ngrams(text: str, n: int = 2) -> list[tuple[str, ...]]:
    """The lower-cased word n-grams of `text`, in order."""
    words = _WORD.findall(text.lower())
    return [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]


def word_pairs(text: str) -> set[tuple[str, ...]]:
    """Word pairs of `text`; a one-word text is its one word."""
    return set(word_ngrams(text, 2)) or set(word_ngrams(text, 1))


def similarity(a: set, b: set) -> float:
    """Jaccard overlap of two word-pair sets (1.0: the same pairs)."""
    return len(a & b) / len(a | b) if a or b else 1.0


def names_a_like(request: CopyRequest, text: str) -> bool:
    """Does `text` name something the shopper likes that this product holds?"""
    low = text.lower()
    return any(a.lower() in low for a in liked_in_product(request.profile, request.product))


def pick(texts: Sequence[str], personal: Sequence[bool], k: int,
         selection: CopySelection | None = None) -> list[int]:
    """Indices of at most `k` of `texts` (candidates that passed the guardrails, in the
    generator's order) to show; `personal[i]`: text i names a like the product holds."""
    selection = selection or CopySelection()
    order = list(range(len(texts)))
    if selection.personal_first and any(personal):
        order = [i for i in order if personal[i]]
    chosen: list[int] = []
    seen: list[set] = []
    for i in order:
        pairs = word_pairs(texts[i])
        if any(similarity(pairs, s) > selection.max_similarity for s in seen):
            continue
        chosen.append(i)
        seen.append(pairs)
        if len(chosen) == k:
            break
    return chosen
