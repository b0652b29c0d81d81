"""Open-vocabulary claims: every word of the copy read against the product's own text.

- `OpenClaims`: each content word (noun, adjective, verb, adverb, number) must be in
  the product's text (word, lemma or stem), or be a connecting word
  (`content.lexicon`); a person, organisation, place or brand the product's text does
  not name blocks the variant; so does a word the data states only as what the
  product is not ("NOT for Climbing"). Chinese copy is read word by word (jieba).
- `AboutProduct`: the copy names the product's brand or a word of its title's head.
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from adcraft.content.claims import CJK
from adcraft.content.guardrails import Finding
from adcraft.content.lexicon import (
    CJK_CONNECTING,
    CONNECTING,
    NUMBER_WORDS,
    PARAPHRASES,
    UNIT_OF,
)
from adcraft.content.names import maker_only, names_part_of_set
from adcraft.content.numbers import wrong_counts, wrong_measures
from adcraft.content.parts import bound_words, one_colour
from adcraft.content.reading import (
    NEGATORS,
    ProductText,
    chinese_words,
    is_cjk,
    language_of,
    other_spellings,
    parse,
    product_text,
    stem,
    word_zipf,
)
from adcraft.content.request import ProductFacts
from adcraft.data.title_facts import COLOUR_WORDS, MATERIAL_WORDS, PATTERN_WORDS
from adcraft.features.profiles import ShopperProfile
from adcraft.settings import GateSettings

_CODE_PART = re.compile(r"[^\W_]+(?:\.\d+)?[^\W_]*")  # "12.5W=100W": "12.5W", "100W"
CLAIM_POS = {"NOUN", "PROPN", "ADJ", "VERB", "ADV"}
FUNCTION_WORD_ZIPF = 4.0  # "via", "per", "onto": connecting words whatever their tag
DIMENSIONS = {"thick", "tall", "long", "wide", "high", "deep", "heavy"}


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None

CARDINALS = {w for w, v in NUMBER_WORDS.items() if not w.endswith(("th", "rd")) and w not in {
    "double", "dual", "twin", "triple", "single"}}


def spelt_numbers(doc, i: int) -> list[float]:
    """The values of the runs of number words around doc[i] that hold it ("Two hundred"
    200, "forty-eight" 48; in "two hundred six-inch", "six" is 6 as well as 206)."""
    def word(j: int) -> bool:
        return 0 <= j < len(doc) and doc[j].lower_ in CARDINALS

    def linked(j: int, step: int) -> int | None:  # the next number word, past a hyphen
        if word(j + step):
            return j + step
        if 0 <= j + step < len(doc) and doc[j + step].text == "-" and word(j + 2 * step):
            return j + 2 * step
        return None

    run = [i]
    while (j := linked(run[0], -1)) is not None:
        run.insert(0, j)
    while (j := linked(run[-1], 1)) is not None:
        run.append(j)
    at = run.index(i)
    return [_value([doc[j].lower_ for j in run[a:b]]) for a in range(at + 1)
            for b in range(at + 1, len(run) + 1) if b - a >= 2]


def _multiplied(doc, i: int) -> bool:
    """doc[i] is one word of "two hundred", "five thousand": its value alone is not said."""
    def cardinal(j: int) -> bool:
        return 0 <= j < len(doc) and doc[j].lower_ in CARDINALS

    big = {"hundred", "thousand"}
    return (doc[i].lower_ in big and cardinal(i - 1)) or (
        cardinal(i + 1) and doc[i + 1].lower_ in big)


def _value(words: list[str]) -> float:
    total = current = 0
    for w in words:  # the run may open on the word asked about: "one", "1" ("one hundred")
        v = NUMBER_WORDS.get(w) or (1 if w == "one" else _number(w) or 0)
        if v == 100:
            current = max(current, 1) * 100
        elif v == 1000:
            total, current = total + max(current, 1) * 1000, 0
        else:
            current += v
    return float(total + current)


NAME_ENTITIES = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "EVENT",
                 "WORK_OF_ART", "LAW", "LANGUAGE"}
_CJK_RUN = re.compile(f"[{CJK}]")
_LETTER_COMPOUND = re.compile(r"(?<![\w-])([A-Za-z]{1,2})-([A-Za-z]+)\b")  # "V-neck", "A-line"
# a number in Chinese and what it counts ("三层", "两件"; not "一款": 'a', "十足": 'full')
_CJK_COUNT = re.compile(f"(?<![一二两三四五六七八九十])[二两三四五六七八九十]+(?!足|分)[{CJK}]")
# a style named by a word and a particle: "button-down", "pull-over"
_PARTICLE_COMPOUND = re.compile(r"(?<![\w-])([A-Za-z]{3,})-(down|over)\b")
_LATIN_CJK = re.compile(f"(?<![A-Za-z])[A-Za-z]{{1,2}}[{CJK}]")  # a shape: "v领", "a字"
# a Chinese word is its stem plus one of these ("棉质" cotton-made, "黑色" black colour)
CJK_SUFFIXES = "质色款式型风系料版面感口"  # "垂坠感" drape, "裤口" the legs' opening
CJK_MEASURE_WORDS = set("款件条个种套双只")  # "这款" + "黑色"
CJK_FUNCTION_CHARS = set("的了着在中有以带与和及或也都很又更而且就是为让把被对于之其此这那配")


def _negated_in_copy(doc, i: int) -> bool:
    """The copy says what the product is not: "non-stick", "no adapter", "adapter not
    included"."""
    before = doc[max(0, i - 3):i]
    after = doc[i + 1:i + 3]
    return any(t.lower_ in NEGATORS or t.lower_ == "n't" for t in before) or any(
        t.lower_ in {"not", "n't"} for t in after)


def _absolute(doc, i: int) -> bool:
    """'the fastest', 'the best': a superlative of all, even where the title says it."""
    return i > 0 and doc[i - 1].lower_ in {"the", "our", "world's"}


# "Fabric: PolyesterShape: Rectangular": what the description's own field says it is made of
_MATERIAL_FIELD = re.compile(
    r"\b(?:fabric|material)\s*:\s*([^:.;|]+?)(?=\s+[A-Z][\w ]{0,20}:|[.;|]|$)", re.IGNORECASE)


def _against_fields(doc, facts: ProductFacts) -> list[Finding]:
    """A material the copy gives where the description's Fabric or Material field gives
    others ("Wool Carpet" in a title, "Fabric: Polyester" below it): the field is the
    shop's own record, a title is written to be searched."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", facts.description)
    given = " ".join(m[1].lower() for m in _MATERIAL_FIELD.finditer(text))
    if not given:
        return []
    return [Finding("open_claims", "block", f"the description's own field gives the "
                    f"material as {given.strip()}, not {t.text}", t.text,
                    defect="unsupported_claim")
            for t in doc if t.lower_ in MATERIAL_WORDS and t.lower_ not in given
            and t.lemma_.lower() not in given]


def _held(held: ProductText, doc, token) -> bool:
    """The data states this word: as such, or, negated in the copy ("non-stick"), as
    something the product is not."""
    if _negated_in_copy(doc, token.i) and token.lower_ in held.negated:
        return True
    return held.holds(token.text, token.lemma_, exact=token.pos_ == "PROPN" or bool(
        token.ent_type_))


def _chinese_claims(copy: str, facts: ProductFacts, name: str) -> list[Finding]:
    """Chinese copy: each word (jieba) of two or more characters must be in the
    product's own text or be a connecting word; a Latin-script name must be in it."""
    held = product_text(facts)
    out = []
    words = chinese_words(copy)
    for before, word in zip(words, words[1:]):  # "酒" + "红色": wine red, not red
        if word.endswith("色") and len(before) == 1 and _CJK_RUN.match(before) and (
                before not in CJK_FUNCTION_CHARS | CJK_MEASURE_WORDS
                and before + word not in held.text):
            out.append(Finding(name, "repair", f"'{before + word}' is not a colour the "
                               "product's data states", before + word,
                               defect="unsupported_claim"))
    for m in _CJK_COUNT.finditer(copy):  # "三层" where the data says only "层叠"
        if m.group(0) not in held.text and m.group(0) not in CJK_CONNECTING:
            out.append(Finding(name, "block", f"'{m.group(0)}' is not a number the product's "
                               "data states", m.group(0), defect="wrong_number"))
    for m in _LATIN_CJK.finditer(copy):  # "v领" where the data says "圆领"
        if m.group(0).lower() not in held.text:
            out.append(Finding(name, "repair", f"'{m.group(0)}' is not in the product's data",
                               m.group(0), defect="unsupported_claim"))
    for word in dict.fromkeys(words):
        if _CJK_RUN.search(word):
            root = word.rstrip(CJK_SUFFIXES) or word
            if len(word) >= 2 and word not in CJK_CONNECTING and not all(
                    c in held.text or c in CJK_FUNCTION_CHARS for c in root):
                out.append(Finding(name, "repair", f"'{word}' is not in the product's data",
                                   word, defect="unsupported_claim"))
        elif word.isalpha() and len(word) >= 3 and not held.holds(word):
            out.append(Finding(name, "block", f"'{word}' is a name the product's data does "
                               "not hold", word, defect="wrong_brand_or_name"))
    return out


class OpenClaims:
    """Every claim the copy makes, whatever its words, read against the product's text."""

    name = "open_claims"

    def __init__(self, locale: str = "en-GB", settings: GateSettings | None = None):
        self.locale, self.settings = locale, settings or GateSettings()

    def check(self, copy: str, facts: ProductFacts,
              profile: ShopperProfile | None = None) -> list[Finding]:
        if language_of(self.locale) == "zh":
            return _chinese_claims(copy, facts, self.name)
        if is_cjk(self.locale):
            return []  # no segmenter here for Japanese or Korean: the vocabulary reads it
        held = product_text(facts)
        out: list[Finding] = []
        doc = parse(copy)
        named = set()
        for ent in doc.ents:
            if ent.label_ not in NAME_ENTITIES:
                continue
            missing = [t for t in ent if t.is_alpha and not t.is_stop
                       and t.lower_ not in CONNECTING and not _held(held, doc, t)]
            if missing:
                named.update(t.i for t in ent)
                out.append(Finding(self.name, "block", f"'{ent.text}' ({ent.label_.lower()}) "
                                   "is not named in the product's data", ent.text,
                                   defect="wrong_brand_or_name"))
        out += _against_fields(doc, facts)
        out += self._misbound(doc, held)
        for m in _PARTICLE_COMPOUND.finditer(copy):  # "button-down" of "button placket"
            if not re.search(rf"\b{m[1].lower()}[\s-]?{m[2].lower()}\b", held.text):
                out.append(Finding(self.name, "repair", f"'{m[0]}' is not in the product's "
                                   "data", m[0], defect="unsupported_claim"))
        for m in _LETTER_COMPOUND.finditer(copy):  # "V-neck" where the data says "high neck"
            if not re.search(rf"(?<![a-z]){m[1].lower()}[\s-]?{m[2].lower()}", held.text):
                out.append(Finding(self.name, "repair", f"'{m[0]}' is not in the product's "
                                   "data", m[0], defect="unsupported_claim"))
        out += [Finding(self.name, "block", f"'{phrase}': the data gives "
                        f"{' or '.join(f'{v:g}' for v in sorted(said))}", phrase,
                        defect="wrong_number") for phrase, said in wrong_counts(copy, held.text)]
        out += [Finding(self.name, "block", f"'{phrase}': the data gives " + " or ".join(
                    f"{lo:g}" if lo == hi else f"{lo:g}-{hi:g}" for lo, hi in dict.fromkeys(
                        said)), phrase, defect="wrong_number")
                for phrase, said in wrong_measures(copy, " . ".join(  # as written: "1 yearWarranty"
                    [facts.title, facts.description, *facts.fact_values()]))]
        for token in doc:
            if token.i in named:
                continue
            if token.is_alpha and len(token.text) >= 2:
                finding = self._claim(token, doc, held)
            else:
                finding = self._code(token, held)
            if finding is not None:
                out.append(finding)
        return out

    def _misbound(self, doc, held: ProductText) -> list[Finding]:
        """A colour or material the data gives another part: "a clear frame" where the
        data says "White Frame with 6 Clear ... Drawer"."""
        out = []
        for noun, word in dict.fromkeys(bound_words(doc)):
            kind = next(k for k in (COLOUR_WORDS, PATTERN_WORDS, MATERIAL_WORDS) if word in k)
            said = held.bound_to(noun, kind)
            if said and not held.may_be(noun, word) and not any(
                    held.may_be(noun, w) for w in other_spellings(word)):
                out.append(Finding(self.name, "block", f"the data gives the {noun} as "
                                   f"{' or '.join(sorted(said))}, not {word}", word,
                                   defect="unsupported_claim"))
        # "a blue kurta ... pink trousers" where the data says "Pink ... kurta", "Blue ...
        # trousers": a part's one colour, swapped (a set's "Pink and blue kurta" aside)
        for noun, words in dict.fromkeys(one_colour(doc)):
            given = {w for n, ws in held.coloured if n == noun for w in ws}
            spelt = words | {v for w in words for v in other_spellings(w)}  # "multicolored"
            if given and not spelt & given and not out:
                word = " ".join(sorted(words))
                out.append(Finding(self.name, "block", f"the data gives the {noun} as "
                                   f"{' or '.join(sorted(given))}, not {word}", word,
                                   defect="unsupported_claim"))
        return out

    def _code(self, token, held: ProductText) -> Finding | None:
        """A word of letters and digits ("IP67", "CR4", "100W", "5CCT"): a model, rating
        or measure, held only as the data writes it ("100W" is not "80W" because the data
        says "100ft" somewhere)."""
        for part in _CODE_PART.findall(token.text):
            if not (re.search(r"\d", part) and re.search(r"[^\W\d_]", part)):
                continue
            low = part.lower()
            if low in held.words:
                continue
            spaced = r"[\s-]?".join(re.escape(c) for c in re.findall(r"\d+(?:\.\d+)?|\D+", low))
            if re.search(rf"(?<![a-z0-9.]){spaced}(?![0-9])", held.text):
                continue
            return Finding(self.name, "block", f"'{part}' is not a model, size or rating "
                           "the product's data states", part, defect="wrong_number")
        return None

    def _claim(self, token, doc, held: ProductText) -> Finding | None:
        """The finding on one word of the copy, or None when the data supports it."""
        low, lemma, text = token.lower_, token.lemma_.lower(), token.text
        if token.like_num or low in NUMBER_WORDS:
            value = NUMBER_WORDS.get(low)
            runs = spelt_numbers(doc, token.i)
            if value is None or held.holds(low, exact=True) or (
                    value in held.numbers and not _multiplied(doc, token.i)) or any(
                    v in held.numbers for v in runs):
                return None
            return Finding(self.name, "repair", f"'{text}' is not a number the product's "
                           "data states", text, defect="wrong_number")
        if UNIT_OF.get(low) in held.units:
            return None  # "16 inches" for '16"': the number is read on its own
        if held.miscased(text):
            return Finding(self.name, "block", f"'{text}' is not how the product's data "
                           "writes the name", text, defect="wrong_brand_or_name")
        if low == "perfect" and _absolute(doc, token.i):  # "The perfect toy holder"
            return Finding(self.name, "block", f"'{doc[token.i - 1].text} {text}': an "
                           "absolute claim, even where the title says it", text,
                           defect="compliance")
        # "the most comfortable boots": as absolute as "the best"
        most = low == "most" and token.i > 0 and doc[token.i - 1].lower_ == "the" and (
            token.i + 1 < len(doc) and doc[token.i + 1].pos_ == "ADJ")
        if (token.tag_ == "JJS" or (token.tag_ == "RBS" and low != "most") or most) and (
                not held.holds(low, exact=True) or _absolute(doc, token.i)):
            why = ("an absolute superlative, even where the title says it" if _absolute(
                doc, token.i) else "a superlative the product's data does not state")
            return Finding(self.name, "block", f"'{text}': {why}", text, defect="compliance")
        # a word the tagger reads as a preposition or particle is still a claim unless
        # it is a common word ("suede" read as a preposition in "Yellow suede boots")
        if token.is_stop or token.pos_ in {"CCONJ", "SCONJ"} or (
                token.pos_ not in CLAIM_POS and not held.denies(low, lemma) and (
                word_zipf(low) >= FUNCTION_WORD_ZIPF or token.pos_ in {"PUNCT", "SYM"})):
            return None
        if held.denies(low, lemma) and not _negated_in_copy(doc, token.i):
            return Finding(self.name, "block", f"the product's data says it is not '{text}'",
                           text, defect="unsupported_claim")
        if low in CONNECTING or lemma in CONNECTING or _held(held, doc, token) or any(
                held.holds(w) for w in PARAPHRASES.get(low, ())):
            return None
        shouted = text.isupper() and len(text) >= 3  # "STANLEY": a brand, read as a verb
        if token.pos_ == "VERB" and not shouted and word_zipf(
                low) >= self.settings.common_verb_zipf:
            return None  # "holds", "protects": how copy says what the data states
        if low in DIMENSIONS and any(t.like_num and held.holds(t.text) or (
                t.like_num and any(abs(float(n) - v) < 1e-9 for v in held.numbers
                                   for n in [_number(t.text)] if n is not None))
                for t in doc[max(0, token.i - 3):token.i]):
            return None  # "5.5 mil thick", "34 inches tall": the data's measure
        if (token.pos_ == "PROPN" or shouted) and text[:1].isupper():
            return Finding(self.name, "block", f"'{text}' is a name the product's data does "
                           "not hold", text, defect="wrong_brand_or_name")
        return Finding(self.name, "repair", f"'{text}' is not supported by the product's "
                       "data", text, defect="unsupported_claim")


class AboutProduct:
    """Copy names the product: its brand, or a word of the title's head (the product's
    type: "Mixer Grinder" of "... Mixer Grinder with 4 Jars"), not an accessory that
    the title lists or the shop's category."""

    name = "about_product"

    def __init__(self, locale: str = "en-GB"):
        self.locale = locale

    def check(self, copy: str, facts: ProductFacts,
              profile: ShopperProfile | None = None) -> list[Finding]:
        naming = product_text(facts).naming
        if is_cjk(self.locale) or not naming or not copy.strip():
            return []
        words = {w.lower() for w in re.findall(r"[^\W_]+", copy)}
        if not (words & naming or {stem(w) for w in words} & {stem(w) for w in naming}):
            return [Finding(self.name, "block", "names neither the product, its brand nor "
                            "its type", copy, defect="off_product")]
        part = names_part_of_set(copy, facts.title)
        if part:  # "Just for you: W Women Pink Printed Top" of "... Top with Dhoti Pants"
            return [Finding(self.name, "block", f"names only '{part}', one thing of the set "
                            "the product is", part, defect="off_product")]
        maker = maker_only(facts)
        common = CONNECTING | STOP_WORDS
        if maker and not {stem(w) for w in words - common} & {
                stem(w) for w in re.findall(r"[^\W\d_]{3,}", facts.title.lower())
                if w not in common} - {stem(w) for w in maker.lower().split()}:
            # "Meet Kauma." of "Kauma - ...", "Meet Kevin Murphy." of "Kevin Murphy - ..."
            return [Finding(self.name, "block", f"names only the maker, '{maker}', not what "
                            "the product is", maker, defect="off_product")]
        return []
