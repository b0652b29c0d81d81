"""What the product's data says each part of it is made of, or coloured: the colour and
material words of the phrase that ends on a noun ("6 Clear Scrapbooking Drawer Cases":
the cases are clear), of a field ("Strap style: Brown"), or near a noun's mention. The
gate reads copy the same way and blocks a colour or material the data gives another
part ("a clear frame" of a "White Frame with 6 Clear ... Drawer Cases")."""

from __future__ import annotations

from functools import cache

_PHRASE_POS = {"ADJ", "NOUN", "PROPN", "NUM"}
_PHRASE_JOINS = {"-", "&", "and", "/"}
PART_REACH = 8  # words of a phrase before its noun: "Orange and white chikankari ... kurta"


@cache
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def part_key(word: str) -> str:
    """The key a part is looked up by: its stem ("Cases" of a title, "case" of copy)."""
    return _stemmer().stemWord(word.lower())


@cache
def part_words() -> frozenset[str]:
    from adcraft.data.title_facts import AMBIGUOUS, COLOUR_WORDS, MATERIAL_WORDS, PATTERN_WORDS

    # "copper", "gold", "rose": a colour or a material, or neither; "printed", "striped"
    return ((COLOUR_WORDS ^ MATERIAL_WORDS) - AMBIGUOUS) | PATTERN_WORDS


def bound_words(doc, reach: int = PART_REACH):
    """(noun stem, colour or material) for the noun that ends each phrase and the colour
    and material words of that phrase ("6 Clear Scrapbooking Drawer Cases": case, clear;
    "Orange & White ... Kurta": kurta, orange and white)."""
    kinds = part_words()
    for token in doc:
        nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if token.pos_ not in {"NOUN", "PROPN"} or token.lower_ in kinds or (
                nxt is not None and (nxt.pos_ in {"NOUN", "PROPN"} or nxt.text == "-")):
            continue
        i = token.i - 1
        while i >= 0 and token.i - i <= reach and (
                doc[i].pos_ in _PHRASE_POS or doc[i].lower_ in _PHRASE_JOINS | kinds):
            if doc[i].lower_ in kinds:
                yield part_key(token.text), doc[i].lower_
            i -= 1
    for token in doc:  # a field: "Strap style: Brown regular", "Stem Material: Plastic"
        if token.text == ":" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ in kinds:
            for j in range(max(0, token.i - 3), token.i):
                if doc[j].pos_ in {"NOUN", "PROPN"} and doc[j].lower_ not in kinds:
                    yield part_key(doc[j].text), doc[token.i + 1].lower_


def near_words(doc, reach: int = PART_REACH):
    """(noun stem, colour or material) for every noun and the colour and material words
    a few words before it in its sentence, or after it in a field ("Stem Material:
    Plastic"): where the data might give that part that colour."""
    kinds = part_words()
    for token in doc:
        if token.pos_ not in {"NOUN", "PROPN"}:
            continue
        noun = part_key(token.text)
        for j in range(token.i - 1, max(-1, token.i - reach - 1), -1):
            if doc[j].text in {".", "|", ";"}:
                break
            if doc[j].lower_ in kinds:
                yield noun, doc[j].lower_
        for j in range(token.i + 1, min(len(doc), token.i + 5)):
            if doc[j].text == ":":
                after = doc[j + 1] if j + 1 < len(doc) else None
                if after is not None and after.lower_ in kinds:
                    yield noun, after.lower_
                break


def one_colour(doc, reach: int = PART_REACH):
    """(noun stem, its colour words) for each phrase that ends on a noun and gives it one
    colour ("Pink straight calf length kurta": kurta, {pink}; "Navy Blue skirt": skirt,
    {navy, blue}), not several joined ("Pink and blue printed kurta" is a set's)."""
    from adcraft.data.title_facts import COLOUR_WORDS

    colours = part_words() & COLOUR_WORDS
    for token in doc:
        nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if token.pos_ not in {"NOUN", "PROPN"} or token.lower_ in part_words() or (
                nxt is not None and (nxt.pos_ in {"NOUN", "PROPN"} or nxt.text == "-")):
            continue
        said, joined, i = [], False, token.i - 1
        # (a catalogue's glued lines mislead the tagger: "Pink straight calf length kurta"
        # reads "straight" as a preposition, so any word but a function word goes on)
        while i >= 0 and token.i - i <= reach and (
                doc[i].lower_ in _PHRASE_JOINS | part_words() or (
                    doc[i].is_alpha and not doc[i].is_stop) or doc[i].pos_ == "NUM"):
            if doc[i].lower_ in colours:
                said.append(i)
            elif said and doc[i].lower_ in _PHRASE_JOINS and doc[i].text != "-":
                joined = True
            i -= 1
        if said and not joined and said[0] - said[-1] == len(said) - 1:
            yield part_key(token.text), frozenset(doc[j].lower_ for j in said)
