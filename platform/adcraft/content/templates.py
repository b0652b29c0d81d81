"""Template copy: plain sentences that name the product as its title does, and its
price, so they are true by construction and read as English on any catalogue (they
state no fact by a field's name or as a bare value). It is what a shopper sees when
the generator fails or is slow (marked `degraded` by the caller), and one of the
candidates that best-of-n weighs against the generator's variants."""

from __future__ import annotations

import re

from adcraft.content.prompts import liked_in_product, price_text
from adcraft.content.reading import title_phrase
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


def _cap(text: str) -> str:
    """First letter up, unless the first word is a name with inner capitals ("iPhone")."""
    first = text.split(" ", 1)[0]
    return text if any(c.isupper() for c in first[1:]) else text[:1].upper() + text[1:]


def _name(request: CopyRequest, limit: int) -> str:
    """The title when it fits, else its head ("Redmi 9A"); "" when neither fits: a cut
    title leaves dangling words ("TENOC Phone Case Compatible")."""
    for name in (request.product.title.strip(), _short(request)):
        if name and len(name) <= limit:
            return name
    return ""


_TITLE_BREAK = re.compile(r"\s*(?:[|,(:;]|\s[-–]\s)")
SHORT_NAME_CHARS = 40
PHRASE_NAME_CHARS = 50  # a name that stops where the title says what it is for


def _short(request: CopyRequest) -> str:
    """What a shopper would call it: the title up to its first break ("Redmi 9A" of
    "Redmi 9A (Sea Blue, 2GB RAM) | ..."), or up to what it comes with or is for
    ("Waterpik Aquarius Water Flosser Professional"), else the brand and the head's last
    word, its type ("Stridewell Shoes", "WROGN T-shirt"); "" when neither can be said."""
    product = request.product
    head = _TITLE_BREAK.split(product.title, maxsplit=1)[0].strip()
    if head and len(head) <= SHORT_NAME_CHARS:
        return head
    phrase = title_phrase(product.title)  # up to "with", "for": "Waterpik ... Flosser"
    if phrase and len(phrase) <= PHRASE_NAME_CHARS and len(phrase.split()) >= 2:
        return phrase
    words = head.split()
    brand = product.brand or ""
    if brand and words and head.lower().startswith(brand.lower()) and re.fullmatch(
            r"[^\W\d_]{3,}(?:-[^\W\d_]+)*", words[-1]):  # a word, not "g" or "ml"
        return f"{brand} {words[-1]}"
    return ""


def template_variants(request: CopyRequest, n: int | None = None) -> list[str]:
    """Up to `n` (default: the request's) distinct template copies that fit the slot;
    those that name something the shopper likes (the title does) come first."""
    product, limit = request.product, request.limit
    likes = [like.lower() for like in liked_in_product(request.profile, product)]
    price = price_text(product)
    out: list[str] = []
    for template in TEMPLATES[request.kind]:
        for with_price in (True, False):
            values = {"price": f" for {price}" if price and with_price else "",
                      "price_sentence": f" Yours for {price}." if price and with_price else "",
                      "short": _short(request)}
            values["name"] = _name(request, max(10, limit - len(template) - sum(
                len(v) for v in values.values())))
            if any(f"{{{k}}}" in template.lower() and not values[k] for k in ("name", "short")):
                break  # no name of the product fits this template
            values |= {_cap(k): _cap(v) for k, v in values.items()}
            text = re.sub(r"\s+", " ", template.format(**values)).strip()
            text = re.sub(r"\s+([.,:])", r"\1", text).replace("..", ".")
            if len(text) <= limit and text not in out:
                out.append(text)
                break
    out.sort(key=lambda t: not any(like in t.lower() for like in likes))
    return out[:n or request.n_variants]
