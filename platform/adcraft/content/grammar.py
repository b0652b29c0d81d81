"""Slips of English grammar a reader trips on, read from spaCy's tags (no parser): an
article that does not fit the word after it ("an scalloped hem"), a number of things
with a singular noun ("two pocket"), a singular subject with a plural verb ("this top
have") and the other way round ("these loafers from X is"), a modal with an inflected
verb ("he will loves"), words glued together ("pyjamasNavy", "potPlant": a catalogue's
lines run into each other), a title's keywords pasted ("Gloves | 200 Pack") and two
spaces where a word went missing ("styled back  top"). Each is what a proofreader would
send back; none is a claim."""

from __future__ import annotations

import re

from adcraft.content.guardrails import Finding
from adcraft.content.reading import parse, word_zipf

NAME = "well_formed"
# "an hour", "an honest", "an heirloom", "an herb" (the h is not sounded)
_SILENT_H = ("hour", "honest", "honor", "honour", "heir", "herb")
# "a one-piece", "a once-a-day", "a European", "a ewe": a vowel letter, not a vowel sound
_VOWEL_LETTER_CONSONANT_SOUND = ("one", "once", "eu", "ewe", "uni", "una", "use", "usa", "usb",
                                 "usu", "ur", "ut", "ub", "uk", "uv", "ufo", "uga")
_COUNTS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve", "twenty", "several", "many", "both"}
# "pyjamasNavy", "sleevesA pair": a lower-case word of three letters or more runs into
# a capital ("iPhone", "eBay" start with one letter; "FlyBuds" starts with a capital)
_GLUED = re.compile(r"\b[a-z]{3,}[A-Z](?:[a-z]+\b|\b)")
_TWO_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")
# a title's search keywords pasted as they stand: "Vinyl Gloves | 200 Pack | S, M, L",
# "Toddler Pillow- 13X18 Baby Pillows", "... Stuffed Animal Toy Plushie - Dog."
# "Back Scrubber for Shower for $21.99": a title's 'for' then the price's
_FOR_FOR_PRICE = re.compile(
    r"\bfor (?![Yy]ou\b)(?:(?!\band\b)[^.,;:!?]){1,40}? for (?:[$€£₹]|Rs\.?\s?)?\d")
_WHO = "women|men|kids|adults|boys|girls|toddlers|teens|babies|ladies|unisex"
_DEBRIS = [(re.compile(r"\S+\s\|\s\S+|\w\|\w"),
            "a list of keywords split by '|', not a sentence"),
           (re.compile(r"[A-Za-z]+- (?!and\b|or\b|to\b)\w+"), "a hyphen left hanging"),
           (re.compile(r"\s[-–]\s[A-Za-z]+\W*$"), "a keyword after a dash ends the copy"),
           (_FOR_FOR_PRICE, "'for ... for' the price: the name's 'for' runs into the price's"),
           # "Meet How the Garcia Girls Spent Their Summer": a book's title read as a thing
           # ("We think you will like How the ..." reads as the book)
           (re.compile(r"\b(?:[Mm]eet|hello to) (?:How|What|Why|When|Where|Who|If|Because"
                       r"|I|We|You|It|They|She|He)\b"),
            "a title that opens on a question word or a pronoun, said as a name"),
           # "Posture Corrector for Women Men", "Kits for Kids Adults": a title's keywords
           (re.compile(rf"\bfor (?!(\w+)\s+\1\b)(?:{_WHO})\s+(?:{_WHO})\b", re.IGNORECASE),
            "two audiences side by side without 'and': a title's search keywords")]
_PLURAL_VERBS = {"have", "are", "were", "do", "don't", "come", "feature", "make", "keep",
                 "give", "offer", "add", "look", "fit", "feel", "mix"}
_SINGULAR_VERBS = {"is", "has", "was", "does", "comes", "features", "makes", "keeps"}
_PLURAL_DETS = {"these", "those"}
_CAUSATIVES = {"let", "lets", "make", "makes", "help", "helps", "watch", "see", "have"}
_SINGULAR_DETS = {"this", "that", "a", "an", "each", "every", "the"}  # "the snorkel are"
_PHRASE_ENDS = {"PUNCT", "ADP", "CCONJ", "SCONJ", "DET", "AUX", "PRON", "PART"}
_NOUN_PHRASE_POS = {"ADJ", "NOUN", "PROPN", "NUM", "ADV"}


def grammar_slips(text: str, own_words: str = "") -> list[Finding]:
    """Findings for the slips above; `own_words`: the product's title and brand, whose
    words are written as the shop writes them ("ecoVessel" is a name, not glue)."""
    out = []
    for m in _GLUED.finditer(text):
        if m.group(0) not in own_words:
            out.append(_finding("words run together", m.group(0)))
    for pattern, reason in _DEBRIS:
        m = pattern.search(text)
        if m:
            out.append(_finding(reason, m.group(0).strip()))
    if _TWO_SPACES.search(text):
        at = _TWO_SPACES.search(text)
        out.append(_finding("two spaces in a row: a word is missing or text was joined",
                            text[max(0, at.start() - 12):at.end() + 12].strip()))
    # "yellow, ...", "fancy mart Plant ...": a sentence opens on a capital, even where the
    # maker styles its name in lower case ("iPhone", "eBay" keep theirs)
    first = re.match(r"[a-z][a-z'-]*(?![\w'-])", text)
    if first:
        out.append(_finding("the copy starts in lower case", first.group(0)))  # "yellow, ..."
    doc = parse(text)
    out += _number_agreement(doc)
    for token in doc[:-1]:
        after = doc[token.i + 1]
        word = after.text
        if not word[:1].isalpha() or (word.isupper() and len(word) > 1):
            continue  # "an 8-pack", "an LED": the sound is not in the letters
        lower = word.lower()
        if token.lower_ == "an" and token.tag_ == "DT" and lower[0] not in "aeiou" \
                and not lower.startswith(_SILENT_H):
            out.append(_finding("'an' before a consonant", f"{token.text} {word}"))
        elif token.lower_ == "a" and token.tag_ == "DT" and (
                token.text == "a" or token.i == 0 or doc[token.i - 1].text in ".!?:"):
            # "a unstitched", "a ultra": a vowel sound ("a unique", "a USB" are not)
            if lower[0] in "aeiou" and not lower.startswith(_VOWEL_LETTER_CONSONANT_SOUND):
                out.append(_finding("'a' before a vowel", f"{token.text} {word}"))
    for token in doc[:-1]:
        after = doc[token.i + 1]
        if token.lower_ in _COUNTS and after.tag_ == "NN" and after.lower_ not in {
                "pair", "dozen", "piece", "pack", "set", "tone", "way", "time"}:
            nxt = doc[after.i + 1] if after.i + 1 < len(doc) else None
            # the noun ends its phrase ("two pocket.", "two pocket and"), not "two pocket
            # design" or "four corner mounted wheels"
            if nxt is None or nxt.pos_ in _PHRASE_ENDS and nxt.text not in "-–":
                out.append(_finding("a number of things with a singular noun",
                                    f"{token.text} {after.text}"))
    for token in doc[:-1]:  # "one pockets." (not "one of", "one pockets holder")
        after = doc[token.i + 1]
        nxt = doc[after.i + 1] if after.i + 1 < len(doc) else None
        if token.lower_ == "one" and after.tag_ == "NNS" and (
                nxt is None or nxt.pos_ in _PHRASE_ENDS and nxt.text not in "-–"):
            out.append(_finding("one thing with a plural noun", f"{token.text} {after.text}"))
    for token in doc[1:-1]:  # "mounts on you window": 'your'
        after = doc[token.i + 1]
        if token.lower_ == "you" and doc[token.i - 1].pos_ == "ADP" and after.tag_ in {
                "NN", "NNS"} and after.text.islower():
            out.append(_finding("'you' before a noun: 'your'", f"{token.text} {after.text}"))
    for token in doc[:-1]:  # "it have", "she are" (not "does it have")
        after = doc[token.i + 1]
        if token.lower_ in {"it", "he", "she"} and (
                after.lower_ in _PLURAL_VERBS or after.tag_ == "VBP") and (
                token.i == 0 or doc[token.i - 1].pos_ not in {"AUX", "VERB", "ADP"}):
            out.append(_finding("a singular subject with a plural verb",
                                f"{token.text} {after.text}"))
    for token in doc[:-1]:  # "he will loves", "it can fits"
        after = doc[token.i + 1]
        if token.tag_ == "MD" and after.tag_ in {"VBZ", "VBD"} and after.lower_ != "been":
            out.append(_finding("a verb after 'will', 'can', ... takes its plain form",
                                f"{token.text} {after.text}"))
    for token in doc[1:]:
        before = doc[token.i - 1]
        if token.lower_ in _PLURAL_VERBS and token.tag_ in {"VBP", "VB"} and before.tag_ == "NN" \
                and _singular_phrase(doc, before.i):
            out.append(_finding("a singular subject with a plural verb",
                                f"{before.text} {token.text}"))
    for token in doc[3:]:  # "FableStreet's black dress for women are woven"
        head = _subject_before_phrase(doc, token.i) if token.tag_ == "VBP" else None
        if head is not None:
            out.append(_finding("a singular subject with a plural verb",
                                doc[head:token.i + 1].text))
    for token in doc:  # "This ... kurta from Rangoli Jaipur have"
        if token.lower_ in {"this", "that", "each", "every"} and token.tag_ == "DT":
            verb = _plural_after_one(doc, token.i)
            if verb is not None:
                out.append(_finding("a singular subject with a plural verb",
                                    doc[token.i:verb + 1].text))
    for token in doc:  # "jogger jeans for boys is"
        if token.lower_ in {"is", "has", "comes"}:
            head = _plural_before_phrase(doc, token.i)
            if head is not None:
                out.append(_finding("a plural subject with a singular verb",
                                    doc[head:token.i + 1].text))
    out += _adjective_left(doc)
    for token in doc:  # "These loafers from Call It Spring is"
        if token.lower_ in _PLURAL_DETS and token.tag_ == "DT":
            verb = _verb_after_plural(doc, token.i)
            if verb is not None:
                out.append(_finding("a plural subject with a singular verb",
                                    doc[token.i:verb + 1].text))
            one = _one_after_plural(doc, token.i)
            if one is not None:
                out.append(_finding("'these' or 'those' before one thing",
                                    doc[token.i:one + 1].text))
    return out


_SPELT_COUNTS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve", "twenty"}
# a singular noun after a number that is a measure or a unit of sale ("two 24-hour timer"
# is a slip; "two pack", "three piece" are how a shop counts)
_COUNT_NOUNS = {"pair", "dozen", "piece", "pack", "set", "tone", "way", "time", "kit",
                "bundle", "box", "case", "lot", "count", "layer", "tier", "size", "colour",
                "color", "inch", "foot", "feet", "year", "month", "week", "day", "hour",
                "minute", "second", "speed", "step", "stage", "level", "mode", "port"}
_PHRASE_INSIDE = {"ADJ", "NOUN", "PROPN", "NUM", "ADV"}


def _phrase_head(doc, start: int):
    """The last noun of the noun phrase that starts at doc[start], when the phrase ends
    there (punctuation, a preposition, 'and', the end); else None."""
    i, head = start, None
    while i < len(doc) and (doc[i].pos_ in _PHRASE_INSIDE or doc[i].text in "-/" or (
            doc[i].tag_ in {"VBN", "VBD"} and doc[i].text.endswith("ed"))):
        if doc[i].pos_ in {"NOUN", "PROPN"}:
            head = doc[i]
        i += 1
    if head is None or head.i != i - 1:
        return None
    return head if i == len(doc) or doc[i].pos_ in _PHRASE_ENDS and doc[i].text not in "-–" \
        else None


def _number_agreement(doc) -> list[Finding]:
    """"Two BN-LINK mini 24-hour outlet timer for ...": a number of things, a phrase,
    then one thing; "has a shoulder straps,": one thing, a phrase, then many."""
    out = []
    for token in doc[2:-1]:  # "Set of 2 Screen Print Pillow Cover": many, then one
        if doc[token.i - 1].lower_ == "of" and doc[token.i - 2].lower_ in {
                "set", "pack", "box", "bundle"} and token.like_num and token.text not in {
                "1", "one"}:
            end = token.i + 1
            while end < len(doc) and (doc[end].pos_ in {"NOUN", "PROPN", "ADJ", "VERB"} and not (
                    doc[end].is_stop) or doc[end].text == "-"):  # "Gold-Plated", "Tea-Shaped"
                end += 1
            last = doc[end - 1]
            if end > token.i + 1 and last.pos_ in {"NOUN", "PROPN"} and last.is_alpha and (
                    not last.lower_.endswith("s")) and last.lower_ not in _COUNT_NOUNS and (
                    end == len(doc) or doc[end].pos_ in _PHRASE_ENDS):
                out.append(_finding("a set of many with a singular noun",
                                    doc[token.i - 2:end].text))
    for token in doc[:-1]:
        if token.lower_ in _SPELT_COUNTS and doc[token.i + 1].text not in "-–" and (
                token.i == 0 or doc[token.i - 1].lower_ not in {"of", "the", "these"}):
            head = _phrase_head(doc, token.i + 1)
            if head is not None and head.i > token.i + 1 and head.tag_ == "NN" and (
                    head.text.islower()) and not {  # "a two pack design"
                    doc[token.i + 1].lower_, head.lower_} & _COUNT_NOUNS:
                out.append(_finding("a number of things with a singular noun",
                                    doc[token.i:head.i + 1].text))
        elif token.lower_ in {"a", "an"} and token.tag_ == "DT":
            head = _phrase_head(doc, token.i + 1)
            if head is not None and head.tag_ == "NNS" and head.text.islower() and not \
                    head.lower_.endswith(("ss", "us", "is", "ics", "ies")) and not (
                    head.i + 1 < len(doc) and doc[head.i + 1].tag_ == "POS"):  # "a men's"
                out.append(_finding("'a' before a plural noun", doc[token.i:head.i + 1].text))
    return out


def _verb_after_plural(doc, det: int) -> int | None:
    """The index of 'is', 'has', ... after a phrase that opens on 'these'/'those' and
    ends on a plural noun, a short 'from/by/of ...' phrase between; else None."""
    i, plural = det + 1, False
    while i < len(doc) and (doc[i].pos_ in _NOUN_PHRASE_POS or doc[i].text == "-" or doc[
            i].tag_ in {"VBN", "VBD"}):  # "these tempered glass protectors"
        plural = doc[i].tag_ in {"NNS", "NNPS"}
        i += 1
    if not plural:
        return None
    if i < len(doc) and doc[i].pos_ == "ADP":
        end = i + 1
        while end < len(doc) and end - i <= 4 and doc[end].pos_ in _NOUN_PHRASE_POS | {
                "DET", "PRON"}:
            end += 1
        i = end
    return i if i < len(doc) and (doc[i].lower_ in _SINGULAR_VERBS or doc[i].tag_ == "VBZ"
                                  and doc[i].lower_.endswith("s")) else None


def _plural_after_one(doc, det: int) -> int | None:
    """The index of 'have', 'are', ... in "This coffee brown and off-white kurta from
    Rangoli Jaipur have": 'this', 'that', 'each' or 'every', a phrase (colours joined by
    'and' in it) that ends on a singular noun, a short 'from/by ...' phrase, then a verb
    for many things; else None."""
    i, last = det + 1, None
    while i < len(doc) and (doc[i].pos_ in _NOUN_PHRASE_POS or doc[i].text == "-" or doc[
            i].tag_ in {"VBN", "VBD"} or (i + 1 < len(doc) and doc[i + 1].text == "-") or (
            doc[i].pos_ == "CCONJ" and last is not None)):  # "off-white", "printed"
        last, i = doc[i], i + 1
    if last is None or last.tag_ != "NN":
        return None
    if i < len(doc) and doc[i].pos_ == "ADP":
        end = i + 1
        while end < len(doc) and end - i <= 4 and (doc[end].pos_ in _NOUN_PHRASE_POS or (
                doc[end].tag_ == "DT" and end == i + 1)):  # "from The Indian Garage Co"
            end += 1
        if end < len(doc) and doc[end - 1].tag_ in {"NNS", "NNPS"} and doc[
                end - 1].pos_ != "PROPN":
            return None  # "this set of cups have" is read either way
        i = end
    return i if i < len(doc) and doc[i].lower_ in _PLURAL_VERBS and doc[i].tag_ in {
        "VBP", "VB"} else None


def _one_after_plural(doc, det: int) -> int | None:
    """The index of the verb in "These GIORDANO shoulder bag has": 'these' or 'those', a
    phrase that ends on a singular noun, then a verb for one thing; else None."""
    i, last = det + 1, None
    while i < len(doc) and doc[i].pos_ in _NOUN_PHRASE_POS:
        last, i = doc[i], i + 1
    if last is None or last.tag_ != "NN" or i >= len(doc):
        return None
    verb = doc[i]
    return i if verb.lower_ in _SINGULAR_VERBS or (
        verb.tag_ == "VBZ" and verb.lower_.endswith("s")) else None


def _subject_before_phrase(doc, verb: int) -> int | None:
    """The index of a singular noun phrase's noun before a short phrase on 'for', 'with',
    'in', ... (not 'of': "a set of cups have" is read either way) and the plural verb at
    `verb`, else None."""
    i = verb - 1
    while i > 0 and verb - i <= 4 and doc[i].pos_ in _NOUN_PHRASE_POS | {"DET"}:
        i -= 1
    if i == verb - 1 or doc[i].pos_ != "ADP" or doc[i].lower_ in {"of", "like", "than"}:
        return None
    noun = i - 1
    return noun if noun >= 0 and doc[noun].tag_ == "NN" and _singular_phrase(doc, noun) else None


def _plural_before_phrase(doc, verb: int) -> int | None:
    """The index of the plural noun that opens the copy ("Pepe Jeans blue jogger jeans")
    before a short phrase on 'for', 'with', ... (not 'of': "a pack of socks for men is")
    and the singular verb at `verb`, else None."""
    i = verb - 1
    while i > 0 and verb - i <= 3 and doc[i].pos_ in _NOUN_PHRASE_POS:
        i -= 1
    if i == verb - 1 or doc[i].tag_ != "IN" or doc[i].lower_ in {"of", "like", "than"}:
        return None
    noun = i - 1
    if noun < 1 or doc[noun].tag_ != "NNS" or not doc[noun].text.islower():
        return None
    j = noun - 1
    while j >= 0 and doc[j].pos_ in _NOUN_PHRASE_POS and doc[j].lower_ not in _COUNT_NOUNS:
        j -= 1
    return noun if j < 0 else None


def _adjective_left(doc) -> list[Finding]:
    """A phrase that ends on its adjective, its noun missing: "long sleeves and a
    ribbed.", "a V-neck and long" (not "soft and warm.")."""
    out = []
    for token in doc[1:]:
        after = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if after is not None and after.text not in ".!?":
            continue
        before = doc[token.i - 1]
        word = token.lower_
        if before.lower_ in {"a", "an"} and len(word) >= 6 and word.endswith("ed") and (
                word != "hundred"):
            out.append(_finding("a phrase ends on its adjective: its noun is missing",
                                f"{before.text} {token.text}"))
        elif token.tag_ == "JJ" and before.lower_ == "and" and token.i >= 2 and doc[
                token.i - 2].tag_ == "NN" and word_zipf(word) >= 4.5:  # not "or oatmeal"
            out.append(_finding("a phrase ends on its adjective: its noun is missing",
                                doc[token.i - 2:token.i + 1].text))
    return out


def _singular_phrase(doc, head: int) -> bool:
    """The noun at `head` ends a phrase that opens on 'this', 'a', 'each', ... with no
    'and' or comma between (not "a shirt and matching trousers have")."""
    for i in range(head - 1, max(-1, head - 8), -1):
        token = doc[i]
        if token.lower_ in _SINGULAR_DETS or token.tag_ == "POS":  # "Meffort's mouse pad"
            return i == 0 or doc[i - 1].lower_ not in _CAUSATIVES  # not "let the bag come"
        if token.pos_ not in _NOUN_PHRASE_POS and token.text != "-":  # "center-mount"
            return False
    return False


def _finding(reason: str, phrase: str) -> Finding:
    return Finding(NAME, "block", reason, phrase, defect="incoherent")
