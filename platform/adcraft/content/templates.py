"""Template copy: plain sentences built from the product's facts and the shopper's
likes, true by construction. It is what a shopper sees when the generator fails or is
slow (marked `degraded` by the caller), and one of the candidates that best-of-n
weighs against the generator's variants when it builds a training set."""

from __future__ import annotations

import re

from adcraft.content.prompts import liked_in_product, price_text
from adcraft.content.request import CopyKind, CopyRequest

MAX_FACTS = 2  # fact values a template names besides the shopper's like

# {name}: product title (or brand + category); {like}: a fact the shopper values;
# {facts}: other facts; {price}: " for €49.99" or "". Templates with {like} need a like.
TEMPLATES: dict[CopyKind, list[str]] = {
    CopyKind.ad_copy: [
        "{Name}: {like}{price}.",
        "Picked for you: {name}, {like}{price}.",
        "{Name}: {facts}{price}.",
        "Say hello to {short}: {facts}{price}.",
        "Meet {name}{price}.",
        "{Short}{price}, now in store.",
    ],
    CopyKind.recommendation_reason: [
        "Picked for you: {name}, {like}.",
        "You like {like}, and {short} is just that.",
        "{Name} matches what you look for: {facts}.",
        "{Name}, picked for you.",
    ],
    CopyKind.email_subject: [
        "{Like}, just for you: {short}",
        "{Short}{price}",
        "New for you: {short}",
    ],
    CopyKind.description: [
        "{Name}. {Facts_sentence}{price_sentence}",
        "{Name}, {like}. {Facts_sentence}{price_sentence}",
        "{Name}.{price_sentence}",
    ],
}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _name(request: CopyRequest, limit: int) -> str:
    """The title when it fits, else brand plus the last category, else the brand."""
    product = request.product
    fallback = " ".join(filter(None, [product.brand, (product.category_path or [""])[-1]]))
    cut = product.title[:limit + 1].rsplit(" ", 1)[0] if len(product.title) > limit else ""
    for name in (product.title, fallback, product.brand or "", cut):
        if name and len(name) <= limit:
            return name.strip()
    return product.product_id


_TITLE_BREAK = re.compile(r"\s*(?:[|,(:;]|\s[-–]\s)")
SHORT_NAME_CHARS = 40


def _short(request: CopyRequest) -> str:
    """What a shopper would call it: the title up to its first break ("Redmi 9A" of
    "Redmi 9A (Sea Blue, 2GB RAM) | ..."), else its first words with the brand."""
    product = request.product
    head = _TITLE_BREAK.split(product.title, maxsplit=1)[0].strip()
    if head and len(head) <= SHORT_NAME_CHARS:
        return head
    words = [w for w in product.title.split() if w.strip("()[]|,")][:4]
    return " ".join(dict.fromkeys(filter(None, [product.brand, *words]))) or product.title


def template_variants(request: CopyRequest, n: int | None = None) -> list[str]:
    """Up to `n` (default: the request's) distinct template copies that fit the slot;
    personal templates first when the product holds something the shopper likes."""
    product, limit = request.product, request.limit
    likes = liked_in_product(request.profile, product)
    said = " ".join([product.title, *likes]).lower()  # facts the copy states anyway
    facts = [v for v in product.fact_values() if v.lower() not in said
             and len(v) <= 30 and not re.fullmatch(r"[\d.,\s]+", v)][:MAX_FACTS]
    price = price_text(product)
    out: list[str] = []
    for template in sorted(TEMPLATES[request.kind], key=lambda t: "{like" not in t.lower()):
        if ("{like" in template.lower() and not likes) or ("{facts" in template.lower()
                                                          and not facts):
            continue
        for with_price in (True, False):
            values = {
                "like": likes[0] if likes else "", "facts": " and ".join(facts),
                "price": f" for {price}" if price and with_price else "",
                "price_sentence": f" Yours for {price}." if price and with_price else "",
            }
            values["short"] = _short(request)
            values["name"] = _name(request, max(10, limit - len(template) - sum(
                len(v) for v in values.values())))
            values |= {_cap(k): _cap(v) for k, v in values.items()}
            values["Facts_sentence"] = _cap(f"{values['facts']}.") if facts else ""
            text = re.sub(r"\s+", " ", template.format(**values)).strip()
            text = re.sub(r"\s+([.,:])", r"\1", text).replace("..", ".")
            if len(text) <= limit and text not in out:
                out.append(text)
                break
    return out[:n or request.n_variants]
