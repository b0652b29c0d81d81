"""Facts a product's own title states, for a catalogue with no attribute columns: colours,
amounts with their units, materials, who it is for, the product type (the head noun phrase)
and the title's other segments ("with Mic"); and its description's first sentence, when the
product has no feature bullets. Every value is a slice of the text as written, trimmed:
facts are what copy may claim. spaCy's tagger (`adcraft.content.reading.nlp`) reads the
end of each title's head segment, lower-cased (so that title case reads as nouns, not
names), in one pass of `nlp.pipe`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

Fact = tuple[str, str]
MAX_PER_NAME = 4  # "38mm 42mm 40mm 44mm 41mm 45mm": the first few say it
TAGGED_WORDS = 6  # the head segment's last words, all that its type can be made of
SEGMENT_WORDS = 6  # a longer title segment is a list of keywords, not one feature
ORDER = ("type", "for", "colour", "size", "fit", "pattern", "material", "capacity", "weight",
         "power", "duration", "quantity", "speed", "frequency", "resolution", "feature")


def _alts(words: str) -> str:
    """A regex alternation of phrases, longest first ("_": a space or a hyphen)."""
    phrases = sorted(words.split(), key=len, reverse=True)
    return "|".join(re.escape(p).replace("_", r"[\s-]+") for p in phrases)


_BASES = ("black white grey gray red pink blue green yellow purple brown beige maroon violet "
          "navy teal turquoise aqua cyan magenta fuchsia lavender lilac mauve burgundy khaki "
          "indigo multicolour multicolor multicoloured multicolored multi_colour multi_color "
          "off_white silver gold golden cream ivory peach coral rust mustard olive orange tan "
          "camel copper bronze nude taupe wine rose lime mint lemon champagne charcoal")
# Words that name a colour only where the title clearly lists colours ("Black & Gold",
# "(Gold)", "Women Peach Top"), not in "Kent Gold Optima", "Olive Oil", "Night Cream".
AMBIGUOUS = frozenset("silver gold golden cream ivory peach coral rust mustard olive orange tan "
                      "camel copper bronze nude wine rose lime mint lemon champagne charcoal"
                      .split())
_MODIFIERS = ("light dark deep pale bright royal navy sky baby sea olive jet midnight space "
              "neon pastel dusty powder hot rose steel ice electric forest bottle emerald ink "
              "peacock mustard rust coral charcoal lemon mint off brick wine")
COLOUR = re.compile(  # "Navy Blue", "Grey Melange", "Peach-Coloured", "Copper-Toned"
    rf"(?<![\w-])(?:[a-z]+-(?:colou?red|toned)|(?:(?:{_alts(_MODIFIERS)})[\s-]+)?(?:{_alts(_BASES)})"
    r"(?:[\s-]+melange)?)\b", re.I)
_NOT_COLOUR_BEFORE = re.compile(
    r"[\s-]+(?:tea|coffee|pepper|chilli|chili|noise|sugar|rice|beans?|gram|label|friday|oil|"
    r"tooth|forest|widow|juice|water|belt|card|seeds?|extract|cheese|bean|lentils?)\b", re.I)
_COLOUR_CONTEXT = re.compile(r"[\s-]+(?:colou?r(?:ed)?|tone|shade)\b", re.I)
_LIST_JOIN = re.compile(r"\s*(?:&|and|/|,|\+)\s*", re.I)

AUDIENCE = re.compile(
    r"\b(?:unisex[\s-]kids|unisex|men's|mens|men|women's|womens|women|ladies|boys'?|boy's|"
    r"girls'?|girl's|kids'?|kid's|baby|babies|infants?|toddlers?|teens|teenagers|adults?)(?!\w)",
    re.I)
SIZE = re.compile(r"\b(?:extra[\s-]+(?:small|large)|small|medium|large|[2-5]?x{1,3}l|xx?s|"
                  rf"(?:{_alts('king queen free plus full travel one')})[\s-]+size)\b", re.I)
FIT = re.compile(r"\b(?:(?:super|extra)[\s-]+)?(?:skinny|slim|regular|relaxed|tapered|straight|"
                 r"loose|oversized|comfort|classic|boxy|boot[\s-]?cut|athletic|tailored|"
                 r"boyfriend|mom)[\s-]+fit\b", re.I)
_PATTERNS = ("printed solid striped checked embroidered self_design floral polka_dots "
             "polka_dot colourblocked colorblocked colour_blocked textured quilted embellished "
             "sequinned camouflage geometric paisley tie_dye ombre")
PATTERN = re.compile(rf"(?<![\w-])(?:self[\s-]+(?:checked|striped)|{_alts(_PATTERNS)})\b", re.I)
_MATERIALS = ("cotton organic_cotton pure_cotton polycotton poly_cotton polyester leather "
              "faux_leather pu_leather vegan_leather genuine_leather suede silk satin wool "
              "woollen woolen merino cashmere linen denim nylon rayon viscose spandex lycra "
              "elastane modal fleece velvet chiffon georgette crepe chanderi jute canvas khadi "
              "muslin corduroy tweed stainless_steel steel aluminium aluminum metal iron "
              "cast_iron brass copper bronze titanium wood wooden bamboo teak sheesham glass "
              "tempered_glass borosilicate_glass ceramic porcelain stoneware plastic acrylic "
              "silicone rubber foam memory_foam latex marble granite resin tpu pvc microfiber "
              "microfibre polycarbonate carbon_fiber carbon_fibre sterling_silver synthetic "
              "mesh alloy aluminium_alloy aluminum_alloy")
# one-word colours and materials, for the gate's reading of what each part is made of
COLOUR_WORDS = frozenset(w for w in (_BASES + " clear transparent").split() if "_" not in w)
MATERIAL_WORDS = frozenset(w for w in _MATERIALS.split() if "_" not in w) - {"metal"}
PATTERN_WORDS = frozenset(w for w in _PATTERNS.split() if "_" not in w)
MATERIAL = re.compile(rf"(?:\b\d{{1,3}}\s?%\s*|(?<![\w-]))"  # "100% Cotton", "Gold-Plated"
                      rf"(?:(?:{_alts(_MATERIALS)})(?:[\s-]+blend)?|[a-z]+[\s-]plated)\b", re.I)
_NOT_MATERIAL_BEFORE = re.compile(
    r"[\s-]+(?:cleaner|conditioner|polish|care|look|effect|scent|fragrance|remover|wax|"
    r"cleaning|shampoo|balm)\b", re.I)
_MATERIAL_LABEL = re.compile(r"\b(?:material|fabric|made\s+(?:of|from))\b[^.:]{0,12}[:\s]",
                             re.I)

_N = r"(?:(?:\d+-)?\d+/\d+|\d+(?:[.,]\d+)?)"  # "1.5", "4-1/2"
_MATERIAL_PART = re.compile(r"\s+(?:upper|outsole|sole|lining|body|strap|straps|frame)\b", re.I)
_NUM = rf"(?<![\w./-]){_N}"
UNITS = {  # fact name -> units after a number
    "capacity": r"ml|millilit(?:re|er)s?|ltrs?|lit(?:re|er)s?|l|fl\.?\s?oz|gallons?|gal|gb|tb|"
                r"mb|mah|ah|cc", "weight": r"mg|kgs?|kilograms?|g|gms?|grams?|lbs?|pounds?|oz|"
    r"ounces?|gsm", "size": r"mm|cm|met(?:re|er)s?|mtrs?|m|inch(?:es)?|ft|feet|foot|yards?|\"|″",
    "power": r"kw|w|watts?|v|volts?|hp",
    "duration": r"hours?|hrs?|minutes?|mins?|seconds?|secs?|days?|weeks?|months?|years?|yrs?",
    "quantity": r"pcs|pieces?|pc|packs?|pk|count|ct|sheets?|pairs?|sets?|units?|capsules|"
                r"tablets|rolls|pods|sachets",
    "speed": r"rpm|mph|kmph|mbps|gbps", "frequency": r"[kmg]?hz", "resolution": r"mp|megapixels?"}
MEASURE = re.compile("|".join(
    rf"(?P<{name}>{_NUM}(?:\s?-\s?|\s?)(?:{units})(?![A-Za-z0-9]))" for name, units in
    UNITS.items()), re.I)
_LENGTH = UNITS["size"]
DIMENSION = re.compile(rf"{_NUM}\s?(?:{_LENGTH})?\s?[x×]\s?{_N}\s?(?:{_LENGTH})?"
                       rf"(?:\s?[x×]\s?{_N}\s?(?:{_LENGTH})?)?(?![A-Za-z0-9])", re.I)
PACK_OF = re.compile(r"\b(?:pack|set|pair|box|combo|bundle|case)\s+of\s+\d+\b", re.I)
_NETWORK = re.compile(r"[2-5]G")  # "Galaxy A32 5G" is no weight
COUNT = re.compile(r"(?<![\w./-])(\d{1,4})\s+(?:[A-Za-z]+\s+)?[A-Za-z]+(?<!ss)(?<!us)(?<!is)s\b")

_BREAK = re.compile(r"[,;|:]|\s[-–—+/]\s|\s(?=(?:with|without|for)\s)", re.I)
_PAREN = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
_CODE = re.compile(r"(?=.*\d)[A-Za-z0-9]+(?:[-_/.][A-Za-z0-9]+)*|(?:[A-Z0-9]{2,}[-_]){2,}\w+")
_NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
_HEAD_TAGS = _NOUN_TAGS | {"VB", "VBP", "VBZ"}
# A title's last word is its noun, whatever the tagger says of a lower-cased "top" (RB),
# "camisole" (JJ), "cardigan" (VBD), unless it is a function word or reads as an adjective
# ("Outdoor", "Waterproof", "Natural", "Compatible")
_NEVER_HEAD = frozenset({"IN", "DT", "CC", "TO", "PRP", "PRP$", "MD", "CD", "WDT", "POS", "RP",
                         "RB", "RBR", "RBS", "JJR", "JJS", "EX", "UH", "WP", "WRB"})
_ADJECTIVE = re.compile(
    r"(?:able|ible|ful|less|ous|ive|proof|free|ish|ic|al|ent|ant|ed|ly|ing)$|^(?:outdoor|indoor|"
    r"high|low|complete|new|true|happy|modern|each|other|compatible|ultimate|pro|plus|max|mini|"
    r"extra|ultra|deluxe|original|made|done|taken|wide|bulk)$")
_NOUN_LIKE = frozenset("pendant pendants tunic tunics camisole pedal pedals signal sharara "
                       "jegging jeggings legging leggings earring earrings clothing bedding "
                       "top tops brief briefs".split())
_EAR = re.compile(r"(?:on|in|over)[\s-]ear", re.I)


@lru_cache(maxsize=4096)
def _brand(brand: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(brand)}(?!\w)", re.I)


class _Reader:
    """One text's facts, as spans of the text: what was found, and where."""

    def __init__(self, text: str, brand: str | None) -> None:
        self.text = self.masked = text
        if brand and brand.strip():  # the brand is no fact: its words match nothing
            self.masked = _brand(brand.strip()).sub(lambda m: " " * len(m[0]), text)
        self.used: list[tuple[int, int]] = []
        self.facts: list[tuple[int, str, str]] = []  # (start, name, value)

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.used)

    def add(self, name: str, start: int, end: int) -> None:
        value = self.text[start:end].strip(" .,;:-–")
        if value and self.free(start, end) and self.masked[start:end] == self.text[start:end]:
            start += self.text[start:end].find(value)
            self.used.append((start, start + len(value)))
            self.facts.append((start, name, value))

    def find(self, name: str, pattern: re.Pattern, spans: Sequence[tuple[int, int]] | None = None,
             not_before: re.Pattern | None = None) -> None:  # each match not followed by one
        for a, b in spans or [(0, len(self.text))]:
            for m in pattern.finditer(self.masked, a, b):
                if not_before is None or not not_before.match(self.masked, m.end()):
                    self.add(name, m.start(), m.end())

    def colours(self, segments: Sequence[tuple[int, int, bool]], end: int | None = None) -> None:
        found = [m for m in COLOUR.finditer(self.masked, 0, len(self.text) if end is None else end)
                 if not _NOT_COLOUR_BEFORE.match(self.masked, m.end())]
        for m in found:
            word = m[0].lower()
            if word in AMBIGUOUS and not self._colour_context(m, found, segments):
                continue
            seg = next(((a, b) for a, b, paren in segments if paren and a <= m.start() < b), None)
            if (seg and sum(seg[0] <= o.start() < seg[1] for o in found) == 1
                    and len(self.text[seg[0]:seg[1]].split()) <= 3
                    and not self.text[m.end():seg[1]].strip()):
                self.add("colour", seg[0], seg[1])  # "(Luscious Black)", "(Sea Blue)"
            else:
                self.add("colour", m.start(), m.end())

    def _colour_context(self, m: re.Match, found: list[re.Match],
                        segments: Sequence[tuple[int, int, bool]]) -> bool:
        before, after = self.masked[:m.start()], self.masked[m.end():]
        if _COLOUR_CONTEXT.match(after) or any(
                not self.masked[a:b].replace(m[0], "").strip(" .,()")
                for a, b, _ in segments if a <= m.start() < b):
            return True  # "Gold Colour", a segment of its own: ", Gold", "(Gold)"
        for other in found:
            gap = (self.masked[other.end():m.start()] if other.end() <= m.start()
                   else self.masked[m.end():other.start()])
            if other is not m and _LIST_JOIN.fullmatch(gap):
                return True  # "Black & Gold", "Maroon and Peach"
        return bool(re.search(r"\b(?:men|women|boys|girls|kids|unisex)\s+$", before, re.I))

    def measures(self, spans: Sequence[tuple[int, int]] | None = None) -> None:
        for a, b in spans or [(0, len(self.text))]:
            for m in DIMENSION.finditer(self.masked, a, b):
                if re.search(rf"{_LENGTH}", re.sub(r"[\d.,x×\s]", "", m[0]), re.I):
                    self.add("size", m.start(), m.end())
            for m in PACK_OF.finditer(self.masked, a, b):
                self.add("quantity", m.start(), m.end())
            for m in MEASURE.finditer(self.masked, a, b):
                if not _NETWORK.fullmatch(m[0]):
                    self.add(m.lastgroup, m.start(), m.end())
            for m in COUNT.finditer(self.masked, a, b):  # "12 Card Slots"; "2021 Releases"
                if int(m[1]) < 1900:                     # is a year
                    self.add("quantity", m.start(), m.end())

    def sorted(self) -> list[Fact]:
        out, seen, per_name = [], set(), {}
        for _, name, value in sorted(self.facts, key=lambda f: (ORDER.index(f[1]), f[0])):
            if value.lower() in seen or per_name.get(name, 0) >= MAX_PER_NAME:
                continue
            seen.add(value.lower())
            per_name[name] = per_name.get(name, 0) + 1
            out.append((name, value))
        return out


def segments(title: str) -> list[tuple[int, int, bool]]:
    """(start, end, bracketed) of the title's parts: bracketed groups, and the rest split
    at , ; | : " - " " / " " + " and before "with"/"for"."""
    parts, bare = [], list(title)
    for m in _PAREN.finditer(title):
        parts.append((m.start() + 1, m.end() - 1, True))
        bare[m.start():m.end()] = "|" * (m.end() - m.start())
    flat, last = "".join(bare), 0
    for m in [*_BREAK.finditer(flat), None]:
        end = m.start() if m else len(flat)
        parts.append((last, end, False))
        last = m.end() if m else end
    out = []
    for a, b, paren in parts:
        text = title[a:b]
        stripped = text.strip(" |.,;:-–—+/")
        if stripped and re.search(r"[^\W_]", stripped):
            a += text.find(stripped)
            out.append((a, a + len(stripped), paren))
    return sorted(out)


def _type(reader: _Reader, head: tuple[int, int], doc, offset: int) -> None:
    """The head segment's last nouns (three at most, an adjective or gerund first), less
    the brand's, colours', sizes', model numbers' words: "Trolley Bag" of "DKNY Unisex..."."""
    words = [(head[0] + m.start(), head[0] + m.end()) for m in
             re.finditer(r"\S*[\w\"'″]", reader.text[head[0]:head[1]])]  # "Anything!", "Hat…"

    def tag(a: int, b: int) -> str:
        if a < offset:
            return ""
        span = doc.char_span(a - offset, b - offset, alignment_mode="expand")
        return span[-1].tag_ if span is not None and len(span) else ""

    title_case = sum(reader.text[a].isupper() for a, _ in words) > len(words) / 2

    def blocked(a: int, b: int) -> bool:
        word = reader.text[a:b]  # "DEWALT Cutting Wheel": a shouted first word is a name
        return (not reader.free(a, b) or not reader.masked[a:b].strip()
                or (a == 0 and word.isupper() and len(word) >= 4)
                or bool(re.search(r"\d", word)) or bool(_CODE.fullmatch(word))
                or not re.search(r"[A-Za-z]", word))

    def head_noun(k: int) -> bool:  # a title's last word is a noun: "Watch", "Face Wash",
        if blocked(*words[k]):       # "Solitaire Pendant" (tagged verb or adjective)
            return False
        if k == 0 and len(words) > 1 and reader.masked == reader.text:
            return False  # "Garmin 010-01769-01": an unknown brand's first word is a name
        if not all(blocked(*w) for w in words[k + 1:]):
            return tag(*words[k]) in _NOUN_TAGS
        t, word = tag(*words[k]), reader.text[slice(*words[k])].lower()
        return t in _HEAD_TAGS or word in _NOUN_LIKE or (  # the tagger guesses at
            t not in _NEVER_HEAD and len(words) >= 3 and len(word) >= 3  # "cardigan": VBD
            and not _ADJECTIVE.search(word))

    i = len(words) - 1
    while i >= 0 and len(words) - 1 - i < 3 and not head_noun(i):
        i -= 1
    if i < 0 or not head_noun(i):
        return
    first = i
    while first > 0 and i - first < 2 and not blocked(*words[first - 1]) and not (
            title_case and reader.text[words[first - 1][0]].islower()):  # "full coverage"
        t = tag(*words[first - 1])
        if t not in _NOUN_TAGS and t not in ("JJ", "VBG"):
            break
        first -= 1
        if t in ("JJ", "VBG"):
            break
    if first > 0 and _EAR.fullmatch(reader.text[words[first - 1][0]:words[first][1]]):
        first -= 1  # "On Ear Headphones"
    reader.add("type", words[first][0], words[i][1])


_FILLER = re.compile(r"\b(?:for|with|and|of|more|etc|others?|the|a|an|compatible)\b", re.I)


def _features(reader: _Reader, parts: list[tuple[int, int, bool]]) -> None:
    """Other segments: "for Camping" a `for` fact, any other short one a `feature` ("with
    Mic", "Made in Korea"), unless facts already cover it."""
    for a, b, _ in parts:
        text = reader.text[a:b]
        if (len(text.split()) > SEGMENT_WORDS or not reader.masked[a:b].strip()
                or _CODE.fullmatch(text) or not re.search(r"[A-Za-z]{2}", text)):
            continue
        covered = [(x, y) for x, y in reader.used if a <= x and y <= b]
        rest = reader.masked[a:b]
        for x, y in covered:
            rest = rest[:x - a] + " " * (y - x) + rest[y - a:]
        if not re.search(r"[A-Za-z]{2}", re.sub(_FILLER, "", rest)):
            continue  # "(Pack of 2)", ", White", "for Women and Girls": facts say it
        m = re.match(r"for\s+", text, re.I)
        if m and not covered:
            reader.facts.append((a + m.end(), "for", text[m.end():]))
        elif not m:  # "with 10 Pack Black Bags": a feature besides its facts
            reader.facts.append((a, "feature", text))


def _measure_segments(reader: _Reader, parts: list[tuple[int, int, bool]]) -> None:
    """An amount with a word or two ("15 Hours Playback", "40mm Drivers"): all of it."""
    for a, b, _ in parts:
        ms = list(MEASURE.finditer(reader.masked, a, b))
        words = reader.text[a:b].split()
        if (len(ms) == 1 and ms[0].start() == a and len(words) <= 4
                and all(re.fullmatch(r"[A-Za-z][\w'-]*", w) for w in
                        reader.text[ms[0].end():b].split())):
            reader.add(ms[0].lastgroup, a, b)


def _title_reader(title: str, brand: str | None, parts: list[tuple[int, int, bool]], doc,
                  offset: int) -> _Reader:
    reader = _Reader(title, brand)
    reader.colours(parts)
    for name, pattern, not_before in (("fit", FIT, None), ("size", SIZE, None),
                                      ("pattern", PATTERN, None),
                                      ("material", MATERIAL, _NOT_MATERIAL_BEFORE)):
        reader.find(name, pattern, not_before=not_before)
    head = next((p for p in parts if not p[2]), None)  # the first segment out of brackets
    rest = [p for p in parts if p != head]
    _measure_segments(reader, rest)
    reader.measures()
    reader.find("for", AUDIENCE)
    if head:
        _type(reader, head[:2], doc, offset)
    _features(reader, rest)
    return reader


def description_facts(description: str, brand: str | None = None) -> list[Fact]:
    """Colours, materials, who it is for and amounts of the description's first sentence
    ("Black and grey printed medium trolley bag"), and materials it labels anywhere
    ("Fabric: 100% cotton")."""
    reader = _Reader(description, brand)
    m = re.search(r"[.!?](?:\s|$)|\n", description)
    end = min(m.start() if m else len(description), 300)
    first = [(0, end)]
    reader.colours([(0, end, False)], end)
    reader.find("material", MATERIAL, first, _NOT_MATERIAL_BEFORE)
    for m in MATERIAL.finditer(description):  # "Suede upper. Cushioned footbed"
        if _MATERIAL_PART.match(description, m.end()):
            reader.add("material", m.start(), m.end())
    for m in _MATERIAL_LABEL.finditer(description):
        reader.find("material", MATERIAL, [(m.end(), min(len(description), m.end() + 30))],
                    _NOT_MATERIAL_BEFORE)
    reader.find("pattern", PATTERN, first)
    reader.measures(first)
    reader.find("for", AUDIENCE, first)
    return reader.sorted()


def titles_facts(rows: Iterable[str | tuple[str, str | None, str | None]]
                 ) -> list[list[Fact]]:
    """`title_facts` of many products, each a title or (title, description, brand): one
    pass of spaCy's tagger over the ends of their head segments (each text once)."""
    from adcraft.content.reading import nlp

    rows = [(r, None, None) if isinstance(r, str) else tuple(r) for r in rows]
    if not rows:
        return []
    plans = []  # (segments, where the tagged text starts, the text tagged)
    for title, _, _ in rows:
        parts, title = segments(title or ""), title or ""
        head = next((p for p in parts if not p[2]), (0, 0, False))  # its last TAGGED_WORDS
        starts = [head[0] + m.start() for m in re.finditer(r"\S+", title[head[0]:head[1]])]
        start = starts[-TAGGED_WORDS] if len(starts) > TAGGED_WORDS else head[0]  # lower case
        plans.append((parts, start, "".join(  # with each character in its place
            c.lower() if len(c.lower()) == 1 else c for c in title[start:head[1]])))
    texts = list(dict.fromkeys(text for _, _, text in plans))
    docs = dict(zip(texts, nlp().pipe(texts, batch_size=256,
                                      disable=["attribute_ruler", "lemmatizer", "ner"])))
    out = []
    for (title, description, brand), (parts, start, text) in zip(rows, plans):
        facts = (_title_reader(title, brand, parts, docs[text], start).sorted()
                 if title and title.strip() else [])
        if description and description.strip():
            seen = {v.lower() for _, v in facts}
            facts += [(n, v) for n, v in description_facts(description, brand)
                      if v.lower() not in seen]
        out.append(facts)
    return out


def title_facts(title: str, description: str | None = None, brand: str | None = None
                ) -> list[Fact]:
    """(name, value) facts the title states (and the description's first sentence):
    `type`, `for`, `colour`, `size`, `fit`, `pattern`, `material`, amounts by their unit
    (`capacity`, `weight`, `size`, `power`, `duration`, `quantity`...) and `feature`; the
    brand is never one. Each value is a phrase of the text, trimmed."""
    return titles_facts([(title, description, brand)])[0]
