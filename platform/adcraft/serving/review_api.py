"""/v1/review: the queue of copy variants (filters, pages, findings with their spans),
and approve, reject, edit (judged again), retire, bulk approve. A marketer's or an
admin's key is needed (`api.ApiKeyMiddleware`); the key's name is the reviewer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from adcraft.content.request import DEFAULT_LOCALE, CopyKind
from adcraft.serving.review import ReviewService
from adcraft.serving.service import DependencyError
from adcraft.store.copy import QueueFilter
from adcraft.store.tables import SOURCES, STATUSES

Status = Literal[STATUSES]  # type: ignore[valid-type]
Source = Literal[SOURCES]  # type: ignore[valid-type]
MAX_PAGE = 200


class GateFinding(BaseModel):
    check: str
    defect: str | None
    severity: str
    phrase: str = Field(description="the offending text as it stands in the copy")
    why: str
    start: int | None = Field(None, description="where the phrase starts in the text")
    end: int | None = None


class ReviewRecord(BaseModel):
    reviewer: str
    at: datetime
    action: str
    before_status: str
    after_status: str
    before_text: str
    after_text: str
    note: str | None


class Variant(BaseModel):
    id: int
    variant_id: str
    product_id: str
    category: str | None
    segment: str
    kind: CopyKind
    locale: str
    text: str
    source: Source
    status: Status
    passed_gate: bool
    findings: list[GateFinding]
    predicted_ctr: float | None
    generator_version: str | None
    run_id: str | None
    created_at: datetime
    updated_at: datetime


class VariantWithReviews(Variant):
    reviews: list[ReviewRecord]


class ReviewPage(BaseModel):
    items: list[Variant]
    total: int = Field(description="variants matching the filters, on every page")
    next_after: int | None = Field(description="pass as `after` for the next page")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Note(Strict):
    note: str | None = Field(None, max_length=2000)


class Edit(Strict):
    text: str = Field(min_length=1, max_length=5000)
    note: str | None = Field(None, max_length=2000)


class Filters(Strict):
    product_id: str | None = Field(None, max_length=128)
    category: str | None = Field(None, max_length=256)
    segment: str | None = Field(None, max_length=256)
    kind: CopyKind | None = None
    locale: str | None = Field(None, max_length=16)
    status: Status | None = None
    source: Source | None = None
    passed_gate: bool | None = None
    finding: str | None = Field(None, max_length=64, pattern=r"^[a-z_]+$",
                                description="a check or defect name among the findings")


class QueueQuery(Filters):
    limit: int = Field(50, ge=1, le=MAX_PAGE, description="variants on a page")
    after: int | None = Field(None, ge=0, le=2**63 - 1,
                              description="the `next_after` of the last page")


class BodyFilters(Filters):
    """The filters in a JSON body: a boolean is a JSON boolean (0 and "yes" are refused)."""

    passed_gate: StrictBool | None = None


class BulkApprove(Strict):
    filters: BodyFilters = Field(default_factory=BodyFilters)
    limit: int = Field(1000, ge=1, le=10_000)


class BulkResult(BaseModel):
    approved: int


class PreviewBody(Strict):
    product_id: str = Field(min_length=1, max_length=128)
    segment: str = Field("cold", min_length=1, max_length=256,
                         description="whose copy: a segment of the shop (its persona)")
    kind: CopyKind = CopyKind.ad_copy
    locale: str = Field(DEFAULT_LOCALE, min_length=2, max_length=16)
    candidates: int = Field(4, ge=1, le=12, description="variants the generator writes")
    propose: StrictBool = Field(False, description="put them in the review queue too")


class PreviewVariant(BaseModel):
    text: str
    passed_gate: bool
    repaired: bool = Field(description="the gate cut a failing sentence and the rest passed")
    findings: list[GateFinding]


class Preview(BaseModel):
    product_id: str
    segment: str
    kind: CopyKind
    locale: str
    generator_version: str
    proposed: bool
    variants: list[PreviewVariant]


def reviewer(request: Request) -> str:
    """Who acts: the name of the API key that made the request."""
    return request.scope.get("state", {}).get("principal") or "unknown"


MAX_ID = 2**63 - 1  # a 64-bit key
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="the variant's id in the store")]
Who = Annotated[str, Depends(reviewer)]


def _filters(f: Filters) -> QueueFilter:
    data = f.model_dump(exclude={"limit", "after"})
    if data["kind"] is not None:
        data["kind"] = data["kind"].value
    return QueueFilter(**data)


def review_router(service_review: Callable[[], ReviewService | None], responses: dict,
                  preview: Callable[..., Awaitable[dict]] | None = None) -> APIRouter:
    """The routes; `service_review()` gives the review service when a call comes;
    `preview(**PreviewBody)`: live generation judged by the gate."""

    def review() -> ReviewService:
        found = service_review()
        if found is None:
            raise DependencyError("this service was started without a copy store")
        return found

    router = APIRouter(prefix="/v1/review", tags=["review"], responses=responses)

    @router.get("/variants", response_model=ReviewPage)
    def queue(query: Annotated[QueueQuery, Query()]):
        page = review().queue(_filters(query), query.limit, query.after)
        return ReviewPage(items=page.items, total=page.total, next_after=page.next_after)

    @router.get("/variants/{copy_id}", response_model=VariantWithReviews)
    def variant(copy_id: Id):
        return review().variant(copy_id)

    @router.post("/variants/{copy_id}/approve", response_model=Variant)
    def approve(copy_id: Id, who: Who, body: Note | None = None):
        return review().act(copy_id, "approve", who, body.note if body else None)

    @router.post("/variants/{copy_id}/reject", response_model=Variant)
    def reject(copy_id: Id, who: Who, body: Note | None = None):
        return review().act(copy_id, "reject", who, body.note if body else None)

    @router.post("/variants/{copy_id}/retire", response_model=Variant)
    def retire(copy_id: Id, who: Who, body: Note | None = None):
        return review().act(copy_id, "retire", who, body.note if body else None)

    @router.post("/variants/{copy_id}/edit", response_model=Variant)
    def edit(copy_id: Id, body: Edit, who: Who):
        return review().edit(copy_id, body.text, who, body.note)

    @router.post("/bulk-approve", response_model=BulkResult)
    def bulk_approve(body: BulkApprove, who: Who):
        return BulkResult(approved=review().bulk_approve(_filters(body.filters), who,
                                                       body.limit))

    @router.post("/preview", response_model=Preview)
    async def live_preview(body: PreviewBody):
        review()  # 503 without a copy store
        if preview is None:
            raise DependencyError("this service has no generator to preview with")
        return await preview(**body.model_dump(mode="json"))

    return router
