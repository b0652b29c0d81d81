"""Well-formed copy: in the locale's language (lingua), made of real words (the
product's own, or wordfreq's), in whole sentences that do not run together, break off
or leave a field's value standing alone."""

from __future__ import annotations

import re
import unicodedata

from adcraft.content.claims import CJK
from adcraft.content.grammar import grammar_slips
from adcraft.content.guardrails import Finding
from adcraft.content.names import (
    brand_as_written,
    brand_phrase_missed,
    cut_name,
    generic_name,
    misspelt,
    repeated_keyword,
    titled_typo,
    typo_of,
)
from adcraft.content.numbers import cut_at_slash, unit_dropped
from adcraft.content.parts import part_words
from adcraft.content.reading import (
    CJK_LOCALES,
    detect_language,
    language_of,
    parse,
    product_text,
    word_zipf,
)
from adcraft.content.request import CopyKind, ProductFacts
from adcraft.features.profiles import ShopperProfile
from adcraft.settings import GateSettings

_CJK_RUN = re.compile(f"[{CJK}]")
# Chinese that ends on a joining word or a comma has lost its last phrase
_CJK_BREAKS_OFF = re.compile(r"(?:(?:[都和与及或而把让给被并也还更又就、，,：:；;]"
                             r"|不仅|不但|而且|并且"
                             r"|但是|因为|所以|如果|虽然|还有|以及|或者|之后|以后|的时候"
                             # "又有" wants what it has; "设计让。" whom it lets
                             r"|[又还也更都很没]有"
                             # "穿起来" wants how it feels
                             r"|[穿看摸用戴背提]起来)[。！!]?"
                             # "，毛边裤口的" a noun
                             r"|[，,][^。！？!?，,]*的)\s*$")
# "裙，适合你的选择": one character for a clause; "带来几分，": 'somewhat' with no 'what'
_CJK_CLAUSE_CUT = re.compile(f"^[{CJK}][，,。：:]|几分[，,。！!]")
_CJK_DOUBLED = re.compile(f"([{CJK}]{{2,}})\\1")
_CJK_WORD_DOUBLED = re.compile("([又的了很也和与更就是])\\1")  # "个性又又利落": a slip
# "closure1 main", "E27Switch", "Standard.88mm", "side,mounted", "Is?:Organic",
# "PrintedFinish: Matte": glued text
_RUN_TOGETHER = re.compile(r"[a-z]{2,}\d+\s|\d[A-Z][a-z]{2,}|[a-z][,;:][A-Za-z]|[?!][:A-Za-z]"
                           r"|[a-z]{2}\.[A-Z][a-z]|[a-z]{3}\.\d|[a-z]{2}[A-Z][a-z]+:\s?[A-Z0-9]|&nbsp;|\bnbsp;|&amp;"
                           # "FASHION- SIGNARATURE BRAND CARRIER": shouted scraping debris
                           r"|\b[A-Z]{3,}-?(?: [A-Z]{3,}-?){3,}\b")
# "4 table mats Shape: Rectangle Colour: Pink": fields' labels in the text, twice or more
_FIELD_LABEL = re.compile(r"\b[a-z]+ (?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+: [A-Z0-9]")
# "Regular Fabric: Cotton GSM: 550 GSM Colour: Black": fields run in, no full stops
_FIELD_PAIR = re.compile(r"(?<=\w )[A-Z][A-Za-z]*(?: [a-z]+)?: [A-Z0-9]")
RUN_ON_POS = {"VERB", "AUX", "ADP", "DET", "PRON", "ADV", "SCONJ",  # "beads Secured with"
              "NUM"}  # "waist band Three pockets"
_BARE_UNIT = re.compile(  # not "1 fl oz"
    r"(?<![\d.,\s])(?<!\bfl)(?<!\bfl\.)\s+(ml|g|kg|mg|cm|mm|l|oz|mAh|W|GB|TB)\b(?!-)")
BREAKING_WORDS = {"a", "an", "the", "with", "of", "and", "or", "from", "in", "to",
                  # "made to pull off your.": a possessive or determiner wants its noun
                  "your", "my", "our", "their", "its", "every", "that"}
CUT_WORDS = {"a", "an", "the", "of"}  # "Set of for 499 INR": cut short
NAME_END_POS = {"ADJ", "ADP", "DET", "CCONJ", "SCONJ", "PART"}
_ENDS_SENTENCE = re.compile(r"[.!?…)\]\"'”’»]\s*$")


# a template's or a corpus's slot left in: "maxi %S", "<UNK>", "{name}", "[Product Name]"
_PLACEHOLDER = re.compile(r"<\s*/?\s*[A-Za-z_]{2,12}\s*>|%[sdSD]\b|\{[^{}\s]{0,30}\}"
                          r"|\[(?:product|brand|name|price|stock|link|url|insert)[^\]]{0,30}\]",
                          re.IGNORECASE)
_CODE_AGAIN = re.compile(r"\b(\d{2,}\w*?)[A-Za-z]+\s+\1\b")  # "3M 9092NA 9092"


def _brand_again(text: str, brand: str | None):
    """The brand said twice within three words ("GAP Men's Gap Logo Hoodie")."""
    if not brand or len(brand) < 3:
        return None
    b = re.escape(brand.strip())
    return re.search(rf"\b{b}\b(?:\W+\w+){{0,2}}?\W+{b}\b", text, re.IGNORECASE)


_PAIRS = ("()", "[]", "“”", "（）", "【】", "《》", "「」")


def _left_open(text: str) -> bool:
    """A quote or bracket opened and not closed (22" is inches, not a quote)."""
    quotes = re.sub(r'(?<=\d)"', "", text)
    return quotes.count('"') % 2 == 1 or any(text.count(a) > text.count(b) for a, b in _PAIRS)


_BARE_LAST = re.compile(r",\s+(?:(?:and|or)\s+)?([^\W\d_]+)\W*$")


def _other_script(text: str, facts: ProductFacts) -> str | None:
    """The script of three or more letters that are neither Latin nor in the product's
    own text ("सिर्फ़" in English copy), else None."""
    own = f"{facts.title} {facts.brand or ''} {facts.description}"
    letters = [c for c in text if c.isalpha() and c not in own
               and not unicodedata.name(c, "LATIN").startswith("LATIN")]
    if len(letters) < 3:
        return None
    return unicodedata.name(letters[0]).split()[0].title()


def _in_name(text: str, m: re.Match, title: str) -> bool:
    """The match lies inside a word that the title writes as it stands ("Forever52")."""
    start = max(text.rfind(" ", 0, m.start()) + 1, 0)
    end = text.find(" ", m.end() - 1)
    word = text[start:end if end >= 0 else len(text)].strip(".,;:!?")
    return bool(title) and len(word) > 2 and re.search(
        rf"(?<!\w){re.escape(word)}(?!\w)", title) is not None


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
        slot = _PLACEHOLDER.search(text)
        if slot:
            out.append(Finding(self.name, "block", "a placeholder left in the copy",
                               slot.group(0), defect="incoherent"))
        words = [w for w in re.findall(r"\w+(?:['’]\w+)?", text) if not re.search(r"[\d_]", w)]
        cjk_share = len(_CJK_RUN.findall(text)) / max(1, sum(len(w) for w in words))
        if want in CJK_LOCALES:
            found = detect_language(text) if cjk_share < 0.5 or want != "zh" else "zh"
        elif cjk_share > 0.2:
            found = "zh"
        else:
            found = self._language(text, words, facts, want)
        foreign = _other_script(text, facts) if want not in CJK_LOCALES else None
        if foreign:  # "... सिर्फ़ ₹549 में।" in en-IN copy
            found = found if found not in {None, want} else f"text in {foreign} script"
        if found is not None and found != want and not (want == "zh" and found == "ja"):
            out.append(Finding(self.name, "block", f"written in '{found}', the locale "
                               f"'{self.locale}' reads '{want}'", text,
                               defect="wrong_language"))
            return out
        if want in CJK_LOCALES:
            if want == "zh" and (_CJK_BREAKS_OFF.search(text) or _left_open(text)):
                out.append(Finding(self.name, "block", "the copy stops mid-sentence",
                                   text[-2:], defect="incoherent"))  # "通勤、休闲都"
            elif want == "zh" and (cut := _CJK_CLAUSE_CUT.search(text)):
                out.append(Finding(self.name, "block", "a clause cut short",
                                   cut.group(0), defect="incoherent"))
            bare = re.sub(r"^(?:这款|这件|这条)|[。！.!\s]+$", "", text.strip())
            if want == "zh" and bare and bare != text.strip() and bare in facts.title and (
                    text.strip()[:2] in {"这款", "这件", "这条"}):  # "这款蕾丝A字裙。"
                out.append(Finding(self.name, "block", "the name alone, with nothing said of "
                                   "it: not a sentence", text, defect="incoherent"))
            doubled = _CJK_DOUBLED.search(text) or _CJK_WORD_DOUBLED.search(text)
            if doubled:  # "连衣裙连衣裙"; not "满满", one character said twice
                out.append(Finding(self.name, "block", "words repeated", doubled.group(0),
                                   defect="incoherent"))
            return out
        held = product_text(facts)
        own = set(re.findall(r"[^\W_]+", " ".join(filter(None, [facts.title, facts.brand]))))
        missed = brand_phrase_missed(text, facts.brand)
        if missed:
            out.append(Finding(self.name, "block", f"'{missed}' is not how the brand is "
                               f"written: '{facts.brand}'", missed,
                               defect="wrong_brand_or_name"))
        for word in dict.fromkeys(words):
            brand = brand_as_written(word, facts.brand)
            if brand:
                out.append(Finding(self.name, "block", f"'{word}' is not how the brand is "
                                   f"written: '{facts.brand}'", word,
                                   defect="wrong_brand_or_name"))
                continue
            # a name as the title writes it ("mDesign") is not a typo of 'design'
            near = misspelt(word, held) if len(word) >= 4 and word not in own else None
            if near:
                out.append(Finding(self.name, "block", f"'{word}' is misspelt: the product's "
                                   f"data writes '{near}'", word, defect="incoherent"))
                continue
            typo = typo_of(word) or titled_typo(word, facts)
            if typo:
                out.append(Finding(self.name, "block", f"'{word}' is misspelt: '{typo}'",
                                   word, defect="incoherent"))
                continue
            if len(word) < 3 or held.holds(word):
                continue
            if word_zipf(word.lower(), want) < self.settings.min_word_zipf:
                out.append(Finding(self.name, "block", f"'{word}' is not a word",
                                   word, defect="incoherent"))
        out += self._fragments(text, facts.title) + self._bare_facts(text, facts)
        out += self._names(text, facts)
        out += grammar_slips(text, " ".join(filter(None, [facts.title, facts.brand])))
        doubled = re.search(r"\b([\w-]{3,})\s+(?:and|or|&)\s+\1\b(?!\s+[A-Z0-9]{1,2}\b)", text,
                            re.IGNORECASE)  # not "Wii and Wii U"
        if doubled:
            out.append(Finding(self.name, "block", "a word joined to itself", doubled.group(0),
                               defect="incoherent"))
        repeated = re.search(r"\b(\w+(?:\s+\w+){0,2})\s+\1\b", text, re.IGNORECASE)
        if repeated and repeated.group(1).isdigit():
            repeated = None  # "2 2-packs"
        repeated = repeated or _CODE_AGAIN.search(text) or _brand_again(text, facts.brand)
        if repeated:
            out.append(Finding(self.name, "block", "words repeated", repeated.group(0),
                               defect="incoherent"))
        last = words[-1] if words and text.endswith(words[-1]) else ""
        if len(last) >= 3 and not held.holds(last, exact=True) and word_zipf(
                last.lower(), want) < self.settings.min_word_zipf:
            out.append(Finding(self.name, "block", f"the copy stops mid-word: '{last}'",
                               last, defect="incoherent"))  # "embossed" cut to "embosse"
        bare = _BARE_LAST.search(text)
        joined = bare and re.match(r",\s+(?:and|or)\s", bare.group(0))
        # "..., straight hem, and polyester"; "..., slip-on closure, cropped" (not "...
        # Lopper (Body Only), Green.": a colour after a comma names the product's)
        if bare and (joined and (bare.group(1).lower() in part_words() or parse(bare.group(
                1))[0].pos_ in {"ADJ", "VERB"}) or not joined and parse(bare.group(1))[
                0].tag_ in {"VBN", "VBD"} and bare.group(1).islower()):
            out.append(Finding(self.name, "block", "a list ends on a word that names nothing",
                               bare.group(0).strip(" ,"), defect="incoherent"))
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if any(not _ENDS_SENTENCE.search(line) for line in lines[:-1]):
            out.append(Finding(self.name, "block", "lines of keywords, not sentences",
                               lines[0], defect="incoherent"))
        if self._breaks_off(text):
            out.append(Finding(self.name, "block", "the copy stops mid-sentence",
                               text.split()[-1], defect="incoherent"))
        return out


    def _language(self, text: str, words: list[str], facts: ProductFacts,
                  want: str) -> str | None:
        """The language of the words the product's data does not hold (names and model
        codes say nothing of it): `want` when too few, or when most are common words of
        `want` (lingua reads short English with brand names as Tagalog or German)."""
        held = product_text(facts)
        own = [w for w in words if not held.holds(w)]
        if len(own) < self.settings.min_words_for_language:
            return want
        common = sum(word_zipf(w.lower(), want) >= self.settings.common_word_zipf for w in own)
        if common / len(own) >= self.settings.common_word_share:
            return want
        return detect_language(text)

    @staticmethod
    def _breaks_off(text: str) -> bool:
        """Cut off mid-sentence: on a trailing ellipsis, comma or function word, or with
        a quote or bracket left open (a list without a full stop is how catalogues
        write: "Navy T-shirt, has a polo collar, short sleeves")."""
        if re.search(r"(\.\.|…|[,;:–-])\W*$", text):
            return True
        if _left_open(text):
            return True
        if re.search(r"\b(?:and|or) (?:up|above|over|more)\W*$", text):
            return False  # "for ages 18 months and up."
        last = [t for t in parse(text) if not t.is_punct]
        return bool(last) and (last[-1].lower_ in BREAKING_WORDS
                               or last[-1].pos_ in {"ADP", "CCONJ", "SCONJ", "AUX", "PART"})

    def _names(self, text: str, facts: ProductFacts) -> list[Finding]:
        """A unit has its number ("7 g", not "Lakme Peacock g"). (A rule that names be
        runs of the title as written blocked "Campus Maxico" for "Campus Men's Maxico":
        people drop words of titles, so it is not here.)"""
        out = []
        for m in _BARE_UNIT.finditer(text):
            if m.group(1) == (facts.brand or "").strip():
                continue  # the brand "W", not watts
            out.append(Finding(self.name, "block", f"'{m.group(1)}' without its number",
                               m.group(0).strip(), defect="incoherent"))
        cut = self._cut_title(text, facts) or cut_at_slash(text, facts.title) or (
            unit_dropped(text, facts.title))
        stuffed = repeated_keyword(text, facts)
        if stuffed:
            out.append(Finding(self.name, "block", f"'{stuffed}' is said twice: the title's "
                               "search keywords, not a name", stuffed, defect="incoherent"))
        piece = None if cut else cut_name(text, facts)
        if piece:
            out.append(Finding(self.name, "block", f"'{piece}' names a piece of the product's "
                               "title, not the product", piece, defect="incoherent"))
        if cut:
            out.append(Finding(self.name, "block", f"the product's name is cut short: '{cut}'",
                               cut, defect="incoherent"))
        elif generic := generic_name(text, facts):
            out.append(Finding(self.name, "block", f"'{generic}' says what the product is, "
                               "not its name: it needs 'the' or the maker", generic,
                               defect="incoherent"))
        return out

    @staticmethod
    def _cut_title(text: str, facts: ProductFacts) -> str | None:
        """The title's opening words in the copy, stopped on a word that cannot end a
        name ("Natilene Girls Red Solid", "Women Set of", "Phone Case Compatible") or on
        a fact's value ("Sonata Sleek Men Grey") where the title goes on."""
        words = facts.title.split()
        values = {v.lower() for v in facts.fact_values()}
        low = text.lower()
        for n in range(len(words) - 1, 2, -1):
            if re.search(r"[,|;:)]$", words[n - 1]) or re.match(r"[(|\[-]", words[n]):
                continue  # the title itself breaks here
            prefix = " ".join(words[:n])
            at = low.find(prefix.lower())
            if at < 0:
                continue
            # where a template puts a name: before a price, a stop, or the end
            if not re.match(r"\s+for\s+\S*\d|\s*[.,:!]|\s*$", low[at + len(prefix):]):
                continue
            # in lower case, since a title's capitals read as names ("Case Compatible")
            last = [t for t in parse(prefix.lower()) if not t.is_punct]
            end = words[n - 1].strip(",.:;")
            # "... Men Grey": a fact's value; "Logitech G G703 6-Button": a modifier
            stops = end.lower() in values or re.fullmatch(r"\d+(?:\.\d+)?-[^\W\d_]+", end)
            # "... Screen Protector Designed" (for iPhone ...), "... Macaroni" (and Cheese)
            # "LED Bulbs 40W" (Equivalent): the number was another bulb's
            # "Pro Plan Grain" (Free): the name's last word was the next one's
            # "Remote Control fit" (for Apex ...): a title's lower-case joining word
            stops = stops or (end.isalpha() and end.islower() and words[n].lower() in {
                "for", "with", "to"}) or words[n].lower().strip(",") in {
                "and", "&", "of", "equivalent", "free"} or bool(
                last and last[-1].tag_ in {"VBD", "VBN"} and last[-1].text.endswith("ed"))
            return prefix if last and (last[-1].pos_ in NAME_END_POS or stops) else None
        return None

    def _bare_facts(self, text: str, facts: ProductFacts) -> list[Finding]:
        """A fact value standing alone after a colon or as a later sentence ("Slim Jeans:
        Men for 1999 INR.", "... Studs. Women."): a field's value, not English."""
        values = {v.lower() for v in facts.fact_values() if len(v.split()) <= 2}
        out = []
        for part in re.split(r"[.:!?;]\s*", text)[1:]:  # "Waterproof: ..." heads a line
            bare = re.sub(r"\s*\b(?:for|at)\s+\S*\d[\d.,]*\s*\w*\s*$", "", part).strip(" ,")
            if bare and bare.lower() in values:
                out.append(Finding(self.name, "block", f"'{bare}' stands alone: a field's "
                                   "value, not a sentence", bare, defect="incoherent"))
        return out

    def _fragments(self, text: str, title: str) -> list[Finding]:
        """A phrase that breaks off ("Galaxy and.") or a name that starts mid-phrase
        ("New for you: with Alexa")."""
        doc = parse(text)
        out = []
        for token in doc[:-1]:
            after = doc[token.i + 1]
            hyphened = after.i + 1 < len(doc) and doc[after.i + 1].text == "-"  # "an off-white"
            if (token.pos_ == "CCONJ" or token.lower_ in BREAKING_WORDS) and (
                    (after.is_punct and after.text in ".,;!?")
                    or (token.lower_ in CUT_WORDS and after.pos_ in {"ADP", "CCONJ"}
                        and not hyphened)):
                out.append(Finding(self.name, "block", "a phrase breaks off",
                                   f"{token.text}{after.text}", defect="incoherent"))
            if token.text == ":" and after.pos_ in {"ADP", "CCONJ"}:
                out.append(Finding(self.name, "block", "a phrase starts mid-sentence",
                                   f": {after.text}", defect="incoherent"))
        labels, pairs = _FIELD_LABEL.findall(text), _FIELD_PAIR.findall(text)
        if len(labels) >= 2 or len(pairs) >= 3:
            out.append(Finding(self.name, "block", "a list of fields, not sentences",
                               (labels or pairs)[0], defect="incoherent"))
        for m in _RUN_TOGETHER.finditer(text):
            if m.group(0).strip() and _in_name(text, m, title):
                continue  # "Forever52 Women": the title writes it so
            out.append(Finding(self.name, "block", "words or sentences run together",
                               m.group(0), defect="incoherent"))
        for token in doc[1:]:
            before = doc[token.i - 1]
            starts_name = title and text[token.idx:].startswith(" ".join(title.split()[:2]))
            if token.is_title and token.pos_ in RUN_ON_POS and before.is_alpha \
                    and before.is_lower and not starts_name and (
                    token.pos_ != "NUM" or token.is_alpha):  # "band Three", not "for 6V"
                out.append(Finding(self.name, "block", "a sentence runs into the next",
                                   f"{before.text} {token.text}", defect="incoherent"))
        last = doc[-1] if len(doc) else None
        if last is not None and (last.pos_ == "CCONJ" or last.lower_ in BREAKING_WORDS):
            out.append(Finding(self.name, "block", "a phrase breaks off", last.text,
                               defect="incoherent"))
        return out
