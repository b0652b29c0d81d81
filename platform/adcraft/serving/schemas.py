"""The HTTP contract: what each endpoint takes and gives. Every field is bounded, so a
hostile body fails validation (422, naming the field) before any model sees it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from adcraft.content.request import DEFAULT_VARIANTS, CopyKind, ProductFacts
from adcraft.features.profiles import ShopperProfile

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"  # shopper, product, request, variant ids
Channel = Literal["web", "app", "email", "ads"]
FeedbackEvent = Literal["impression", "click", "cart", "purchase"]
MAX_K = 50
MAX_VARIANTS = 8

# The copy each channel shows when the request names no kind.
CHANNEL_COPY: dict[str, CopyKind] = {
    "web": CopyKind.recommendation_reason,
    "app": CopyKind.recommendation_reason,
    "email": CopyKind.email_subject,
    "ads": CopyKind.ad_copy,
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnonymousContext(Strict):
    """What is known about a visitor without an id: a search, a category page."""

    query: str | None = Field(None, min_length=1, max_length=200)
    category: str | None = Field(None, min_length=1, max_length=100)


class RecommendationRequest(Strict):
    # the rule `_someone` checks, as JSON Schema says it
    model_config = ConfigDict(extra="forbid", json_schema_extra={"anyOf": [
        {"required": ["shopper_id"], "properties": {"shopper_id": {"type": "string"}}},
        {"required": ["context"], "properties": {"context": {"type": "object"}}}]})

    shopper_id: str | None = Field(None, pattern=ID_PATTERN)
    context: AnonymousContext | None = None
    channel: Channel = "web"
    k: int = Field(10, ge=1, le=MAX_K)
    copy_kind: CopyKind | None = Field(None, description="default: the channel's kind")
    with_copy: StrictBool = Field(True, description="false: ranking only, no generation "
                                  "(a JSON boolean: 0, 1 and \"yes\" are refused)")
    variants: int = Field(DEFAULT_VARIANTS, ge=1, le=MAX_VARIANTS)

    @model_validator(mode="after")
    def _someone(self) -> RecommendationRequest:
        if self.shopper_id is None and self.context is None:
            raise ValueError("give a shopper_id or an anonymous context")
        return self

    @property
    def kind(self) -> CopyKind:
        return self.copy_kind or CHANNEL_COPY[self.channel]


class CopyBody(Strict):
    """/v1/copy: a product (by id or its facts) and a shopper (by id or a profile)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"oneOf": [
        {"required": ["product_id"], "properties": {"product_id": {"type": "string"}}},
        {"required": ["product"], "properties": {"product": {"type": "object"}}}]})

    product_id: str | None = Field(None, pattern=ID_PATTERN)
    product: ProductFacts | None = None
    shopper_id: str | None = Field(None, pattern=ID_PATTERN)
    profile: ShopperProfile | None = None
    kind: CopyKind = CopyKind.ad_copy
    variants: int = Field(DEFAULT_VARIANTS, ge=1, le=MAX_VARIANTS)

    @model_validator(mode="after")
    def _one_product(self) -> CopyBody:
        if (self.product_id is None) == (self.product is None):
            raise ValueError("give exactly one of product_id and product")
        return self


class FeedbackBody(Strict):
    request_id: str = Field(pattern=ID_PATTERN)
    item: str = Field(pattern=ID_PATTERN, description="the product the event is about")
    variant: str | None = Field(None, pattern=ID_PATTERN, description="the copy shown")
    event: FeedbackEvent


class CopyOut(BaseModel):
    text: str
    variant_id: str
    kind: CopyKind
    source: Literal["generator", "template", "human", "edited"]
    reviewed: bool = Field(False, description="approved in the copy store before it was "
                                              "shown (false: written for this request)")
    degraded: bool = Field(description="template copy because the generator failed or "
                                       "was slow")
    fallback: Literal["generator_unavailable", "no_variant_passed"] | None = Field(
        None, description="why template copy stands in, if it does")
    facts: list[str] = Field(description="the product's facts the copy states")
    propensity: float | None = Field(None, description=(
        "the probability that the bandit chose this variant among those shown for it "
        "(logged with the served record, for off-policy evaluation)"))


class RecommendedItem(BaseModel):
    product_id: str
    title: str
    score: float = Field(description="the ranker's fused score")
    p_click: float | None
    p_convert: float | None
    copy_: CopyOut | None = Field(None, alias="copy")

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class RecommendationResponse(BaseModel):
    request_id: str
    shopper_id: str
    cold_start: bool
    segment: str
    items: list[RecommendedItem]
    degraded: bool
    model_versions: dict[str, str]


class CopyResponse(BaseModel):
    request_id: str
    product_id: str
    copy_: CopyOut | None = Field(None, alias="copy")
    variants: list[CopyOut] = Field(description="the variants that may be shown: passed the "
                                    "guardrails, no repeats, personal ones first; at most "
                                    "the number asked for")
    degraded: bool
    model_versions: dict[str, str]

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class ArmState(BaseModel):
    segment: str
    variant: str
    successes: float
    trials: float
    mean: float


class FeedbackResponse(BaseModel):
    request_id: str = Field(description="this call's id (the feedback's own)")
    accepted: bool
    arm: ArmState | None = None


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    components: dict[str, str]


class ErrorBody(BaseModel):
    """Every error: the request id to quote, what went wrong (a message, or the list of
    validation errors), and the field it is about where there is one."""

    request_id: str
    detail: str | list[dict]
    field: str | None = None
