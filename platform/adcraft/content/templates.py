"""Template copy: plain sentences that name the product as its title does, and its
price, so they are true by construction and read as English on any catalogue (they
state no fact by a field's name or as a bare value). It is what a shopper sees when
the generator fails or is slow (marked `degraded` by the caller), and one of the
candidates that best-of-n weighs against the generator's variants."""

from __future__ import annotations

import re

from adcraft.content.names import as_common_noun, generic_phrase, maker_only, set_partner
from adcraft.content.numbers import counts
from adcraft.content.prompts import liked_in_product, price_text
from adcraft.content.reading import language_of, parse, title_phrase
from adcraft.content.request import CopyKind, CopyRequest

# {name}: the product's title (or its head when the title is long); {short}: what a
# shopper would call it; {price}: " for €49.99" or "".
TEMPLATES: dict[CopyKind, list[str]] = {
    CopyKind.ad_copy: [
        "Picked for you: {name}{price}.",
        "Meet {name}{price}.",
        "{Short}{price}, now in store.",
        "Say hello to {name}{price}.",
    ],
    CopyKind.recommendation_reason: [
        "Picked for you: {name}.",
        "{Name}, picked for you.",
        "We think you will like {name}.",
    ],
    CopyKind.email_subject: [
        "Just for you: {short}",
        "{Short}{price}",
        "New for you: {short}",
    ],
    CopyKind.description: [
        "{Name}.{price_sentence}",
        "Meet {name}.{price_sentence}",
    ],
}
# Chinese copy in Chinese frames (an English frame round a Chinese name is two languages)
ZH_TEMPLATES: dict[CopyKind, list[str]] = {
    # each says something of it: "这款{name}。" alone is a name with no sentence
    CopyKind.ad_copy: ["为你推荐这款{name}{price}。", "{name}{price}，适合你的选择。"],
    CopyKind.recommendation_reason: ["这款{name}适合你。", "为你选择：{name}。"],
    CopyKind.email_subject: ["这款{short}适合你", "{short}{price}"],
    CopyKind.description: ["为你推荐这款{name}。{price_sentence}",
                           "这款{name}适合你。{price_sentence}"],
}


_NEEDS_A_NAME = re.compile(r"(?:Meet|like|hello to) \{name\}")


def _cap(text: str, styled: str = "") -> str:
    """First letter up, unless the first word is a name with inner capitals ("iPhone")
    or one the shop styles in lower case (`styled`: its title and brand, "justpeachy")."""
    first = text.split(" ", 1)[0]
    if any(c.isupper() for c in first[1:]) or (
            first.islower() and re.search(rf"(?<!\w){re.escape(first)}(?!\w)", styled)):
        return text
    return text[:1].upper() + text[1:]


def _name(request: CopyRequest, limit: int) -> str:
    """The title when it fits and reads as a name, else the title up to its first break
    ("Innova GStar Shryke Distance Driver Golf Disc [Colors may vary]"), else its head
    ("Redmi 9A"); "" when none fits: a cut title leaves dangling words ("TENOC Phone
    Case Compatible")."""
    title = _untagged(request.product.title)
    head = _noun_ended(_TITLE_BREAK.split(title, maxsplit=1)[0].strip())
    generic = generic_phrase(request.product)
    brand = request.product.brand or ""
    for name in (title if _reads_as_name(title, brand) else "",
                 head if head != title and _reads_as_name(head, brand) else "",
                 _short(request)):
        if name and len(name) <= limit and name != maker_only(request.product):
            # (not "Meet TOCOL.": the maker, not what is sold)
            # "Mouse Pad" of "Mouse Pad, Qcute ...": what it is, so "the mouse pad"
            name = _with_pack(name, title, limit)
            if generic and name.startswith(generic) or _only_its_type(name, request.product):
                return as_common_noun(name)
            kind = _title_type(request.product) if len(name.split()) == 1 else ""
            # "Kauma" of "Kauma - Vinyl Record Storage Box ...": the maker, and what it is
            if kind and kind.lower() not in name.lower() and len(name) + len(kind) < limit:
                # "Reminisce Print Magazine" of "Reminisce    Print Magazine", not twice
                return kind if kind.lower().startswith(name.lower()) else f"{name} {kind}"
            return name
    return ""


def _only_its_type(name: str, product) -> bool:
    """"Electric Stapler", "Portable Nebulizer Machine": what it is, no maker, in words
    of two or more (not "TikTok"), so a sentence says "the ..."."""
    words = name.split()
    return not product.brand and len(words) >= 2 and all(
        w[1:].islower() for w in words) and name.lower() == _title_type(product).lower()


def _untagged(title: str) -> str:
    """The title without a tag before it ("[Old Version] TurboTax Business 2017") or a
    stock code after it ("... Beginners Bras TEENAGER-WHT-BLK")."""
    bare = _STOCK_CODE.sub("", re.sub(r"^\s*\[[^\]]*\]\s*", "", title)).strip()
    # "VersionTECH. G2000 Gaming Headset": a maker's full stop would end the sentence
    bare = re.sub(r"^([^\W\d_]{5,})\.(?=\s)", r"\1", bare) if _INNER_STOP.match(bare) else bare
    return bare or title.strip()


def _with_pack(name: str, title: str, limit: int) -> str:
    """A name cut from the title keeps how many it comes as ("Trash Pack Series #5
    Figure, 12-Pack", not a figure)."""
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", name)}
    pack = next((phrase for form, _, phrase in counts(title) if form == "pack"
                 and phrase.lower() not in name.lower()
                 and phrase.split()[0].lower() not in words  # not "Set, Set Of 5"
                 and not re.search(rf"\bwith {re.escape(phrase)} [A-Z][a-z]", title)), "")
    # (not "Tool Set, 4PCS" of "... with 4PCS Spreader Plates": the plates are four)
    return f"{name}, {pack}" if pack and name and name != title and len(name) + len(
        pack) + 2 <= limit else name


NAME_WORDS = 10  # a longer title is a list of search keywords, not what a person says
_KEYWORD_LIST = re.compile(r"[|,\[]|\s[-–]\s|\w-\s|\s-\w|\s{3,}")
# "Boys Black Printed WILL SS IP Round Neck T-shirt": a code of capitals inside the name
_CODE_RUN = re.compile(r"(?<![\w.])(?:[A-Z]{1,4} ){2}[A-Z]{1,4}(?= [A-Z][a-z])")
# "VersionTECH. G2000 Gaming Headset": a full stop inside splits the sentence there
_INNER_STOP = re.compile(r"(?<![\w.])(?!(?:Assn|Corp|Bros|Intl|Dept|Mfg|Inc|Ltd)\.)"
                         r"[^\W\d_]{5,}\.\s+\S")
_STOCK_CODE = re.compile(r"\s[A-Z0-9]{2,}(?:-[A-Z0-9]{2,}){2,}$")  # "TEENAGER-WHT-BLK"
_AMOUNT = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w.])")  # "100", "18", not "FC5", "9A"


def _reads_as_name(title: str, brand: str = "") -> bool:
    """Not "Reli. Vinyl Gloves | 200 Pack | S, M, L", "Toddler Pillow- 13X18 Baby
    Pillows", "Sustain Pedal for Keyboards, black", fifteen words of search terms, nor
    numbers stacked up ("Paxcoo 100 Pcs 18 Inches Waxed Cotton Necklace Cord")."""
    return (len(title.split()) <= NAME_WORDS and not _KEYWORD_LIST.search(title)
            and _plain(title, brand))


def _plain(name: str, brand: str = "") -> bool:
    """No numbers stacked up, no word said twice, no code of capitals, no full stop
    inside."""
    # the brand's own words may come again ("Pepe Jeans ... Stretchable Jeans")
    body = name[len(brand):] if brand and name.lower().startswith(brand.lower()) else name
    return (len(_AMOUNT.findall(name)) <= 1 and not says_twice(body)
            and not _CODE_RUN.search(name) and not _INNER_STOP.search(name))


def says_twice(name: str) -> bool:
    """A word or model code said twice: "GAP Men's Gap Logo Hoodie", "3M 9092NA 9092"."""
    words = [w.lower() for w in re.findall(r"[\w]{3,}", name)
             if w.lower() not in {"and", "the", "for", "with"}]
    return len(set(words)) < len(words) or any(
        b.isdigit() and a.startswith(b) for a, b in zip(words, words[1:]))


# a title's parts kept apart by wide spaces ("The Pale Emperor       Explicit Lyrics")
_TITLE_BREAK = re.compile(r"\s*(?:[|,(\[:;]|\s[-–]\s|(?<=\w)-\s)|\s{3,}")
SHORT_NAME_CHARS = 40
PHRASE_NAME_CHARS = 60  # a name that stops where the title says what it is for


def _short(request: CopyRequest) -> str:
    """What a shopper would call it: the title up to its first break ("Redmi 9A" of
    "Redmi 9A (Sea Blue, 2GB RAM) | ..."), or up to what it comes with or is for
    ("Waterpik Aquarius Water Flosser Professional"), else the brand and the head's last
    word, its type ("Stridewell Shoes", "WROGN T-shirt"); "" when neither can be said."""
    product = request.product
    head = _noun_ended(_TITLE_BREAK.split(_untagged(product.title), maxsplit=1)[0].strip())
    if head and len(head) <= SHORT_NAME_CHARS and _plain(head, product.brand or "") and (
            head != maker_only(product)):
        return head
    # up to "with", "for": "Waterpik ... Flosser" (not up to "and": "Macaroni and Cheese");
    # a set's whole title ("... Top with Dhoti Pants & Ethnic Jacket"): each thing is sold
    phrase = _noun_ended(title_phrase(_untagged(product.title), joins=False))
    if set_partner(product.title):
        phrase = product.title if len(product.title) <= PHRASE_NAME_CHARS else ""
    if phrase and len(phrase) <= PHRASE_NAME_CHARS and len(phrase.split()) >= 2 and _plain(
            phrase, product.brand or ""):
        return phrase
    words = head.split()
    brand = product.brand or ""
    stated = {w.lower() for part in product.category_path for w in re.findall(r"[\w-]+", part)}
    if brand and words and head.lower().startswith(brand.lower()) and re.fullmatch(
            r"[^\W\d_]{3,}(?:-[^\W\d_]+)*", words[-1]) and words[-1].lower() in stated:
        return f"{brand} {words[-1]}"  # the type, as the shop's category names it
    kind = _title_type(product)  # "EthnoVogue Kurta Set" of a 13-word title
    if kind and not product.title.lower().startswith(f"{brand} {kind}".lower()) and not (
            re.search(r"\s(?:de|of|la|du)\s", kind)):  # "Eau de Toilette", not "Toilette"
        kind = kind.split()[-1]  # "Puma T-shirt", not "Puma City FC T-shirt" (Manchester ...)
    if kind and brand and product.title.lower().startswith(brand.lower()) and not re.search(
            r"(?:&|\band|\bby|\bof)$", brand.strip()):  # "Barbie by Many Frocks &": cut
        named = f"{brand} {kind}"  # (not "Pepe Jeans Jeans": the brand says it already)
        return named if len(named) <= SHORT_NAME_CHARS and not says_twice(named) else ""
    return ""


def _title_type(product) -> str:
    """The product's type as its title writes it: its `type` fact, else the title read
    for one (`adcraft.data.title_facts`); "" when it states none."""
    from adcraft.data.title_facts import title_facts

    stated = product.facts.get("type") or [v for n, v in title_facts(
        product.title, brand=product.brand) if n == "type"]
    kind = next((v for v in stated if v.lower() in product.title.lower()), "")
    joined = re.search(rf"\b[^\W\d_]+ (?:de|du|of) {re.escape(kind)}\b", product.title) if (
        kind) else None  # "Eau de Toilette", not "Toilette"
    kind = joined.group(0) if joined else kind
    return kind if 1 <= len(kind.split()) <= 4 else ""


_COMPANY = {"brands", "brand", "inc", "co", "company", "ltd", "llc", "store", "shop", "official"}


def _noun_ended(name: str) -> str:
    """`name` up to its last noun, number or model code: a cut title leaves "Screen
    Protector Designed", "Purina ONE Natural" (read in lower case: title case makes
    every word look like a name)."""
    lower = name.lower()
    if not name or len(lower) != len(name):
        return name
    if lower.split()[-1].strip(".") in _COMPANY:
        return ""  # "Neater Pet Brands" of "Neater Pet Brands - Camping Style Pet Bowl"
    words = name.split()
    if len(words) <= 2:
        return name  # "Amazon Alexa" is its name, whatever a lower-case reading says
    if len(words) >= 3 and words[-1].isalpha() and words[-1].islower() and not words[
            -2][:1].isdigit() and all(  # "Vitamin C 1000 mg" keeps its unit
            w[:1].isupper() or not w[:1].isalpha() for w in words[:-1]):
        return _noun_ended(" ".join(words[:-1]))  # "Remote Control fit" (for Apex ...)
    doc = parse(lower)
    for token in reversed(doc):
        if not (token.is_punct or token.tag_ in _NOT_A_NAME_END or (
                token.tag_ in {"VBD", "VBN"} and token.text.endswith("ed"))):
            return name[:token.idx + len(token.text)].strip()  # ("cardigan" reads as VBD)
    return ""


_NOT_A_NAME_END = {"JJ", "RB", "IN", "CC", "DT", "TO", "VBG", "POS"}


def template_variants(request: CopyRequest, n: int | None = None) -> list[str]:
    """Up to `n` (default: the request's) distinct template copies that fit the slot;
    those that name something the shopper likes (the title does) come first."""
    product, limit = request.product, request.limit
    likes = [like.lower() for like in liked_in_product(request.profile, product)]
    price = price_text(product)
    chinese = language_of(request.locale) == "zh"
    priced, sentence = ("，售价{}", "售价{}。") if chinese else (" for {}", " Yours for {}.")
    out: list[str] = []
    # "Dog Collar", "Portable Nebulizer Machine": what it is, in common words, no maker to
    # name; "Meet Dog Collar" needs an article (and "Meet Swing State", a film, does not)
    described = generic_phrase(product, maker_named=False) and not generic_phrase(product)
    # "Meet How the Garcia Girls Spent Their Summer": a book's title is not met
    clause = re.match(r"(?:How|What|Why|When|Where|Who|If|Because|I|We|You|It|They|She|He)\b",
                      product.title)
    for template in (ZH_TEMPLATES if chinese else TEMPLATES)[request.kind]:
        if described and _NEEDS_A_NAME.search(template) or clause and re.search(
                r"(?:Meet|hello to) \{name\}", template):
            continue
        if chinese and len(product.title.strip()) < 2 and template.startswith(
                ("{name}", "{short}")):
            continue  # "裙，适合你的选择": one character is no clause
        for with_price in (True, False):
            values = {"price": priced.format(price) if price and with_price else "",
                      "price_sentence": sentence.format(price) if price and with_price else "",
                      "short": _with_pack(_short(request), product.title, limit)}
            values["name"] = _name(request, max(10, limit - len(template) - sum(
                len(v) for v in values.values())))
            before = values["name"].split(" for ", 1)[0]
            if values["price"] and " for " in values["name"] and len(before.split()) >= 2:
                values["name"] = before  # not "Pedal for Portable Keyboards for $9.95"
            if _NEEDS_A_NAME.search(template) and _only_its_type(values["name"], product):
                values["name"] = as_common_noun(values["name"])
            if any(f"{{{k}}}" in template.lower() and not values[k] for k in ("name", "short")):
                break  # no name of the product fits this template
            styled = f"{product.title} {product.brand or ''}"
            values |= {_cap(k): _cap(v, styled) for k, v in values.items()}
            text = re.sub(r"\s+", " ", template.format(**values)).strip()
            text = re.sub(r"\s+([.,:])(?!\d)", r"\1", text).replace("..", ".")
            if text[:1].islower():
                break  # "meriggiare Women ...": a sentence opens on a capital
            if len(text) <= limit and text not in out:
                out.append(text)
                break
    out.sort(key=lambda t: not any(like in t.lower() for like in likes))
    return out[:n or request.n_variants]
