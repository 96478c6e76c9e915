"""Read-only pages: the queue (filters, counts, keyset paging) and one item with its evidence."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from clearance.review.app import render, require, state_of
from clearance.review.content import boxes, segments
from clearance.review.desk import ACTIONS
from clearance.review.filters import NONE_VALUE, Filters
from clearance.review.users import Role

router = APIRouter()

FACET_TITLES = {
    "status": "Status",
    "source": "Source",
    "rule": "Reason (rule)",
    "license": "License",
    "kind": "Signal kind",
    "signal": "Signal (kind: value)",
}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def item_link(item_id: str, queue: str = "") -> str:
    """An item's address; ``queue`` (the queue's filter query) gives it "next in queue"."""
    return "/item?" + urlencode({"id": item_id, **({"queue": queue} if queue else {})})


@router.get("/")
def home() -> Response:
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue", response_class=HTMLResponse)
def queue(request: Request) -> Response:
    session = require(request, Role.VIEWER)
    state = state_of(request)
    params = request.query_params
    filters = Filters.from_params(params)
    page = state.index.page(
        filters, after=_int(params.get("after")), before=_int(params.get("before"))
    )
    base = filters.as_params()
    return render(
        request,
        "queue.html",
        session=session,
        filters=filters,
        page=page,
        facets=state.index.facets(filters),
        titles=FACET_TITLES,
        none_value=NONE_VALUE,
        item_link=item_link,
        next_link=("/queue?" + urlencode({**base, "after": page.next_after}))
        if page.next_after is not None
        else "",
        prev_link=("/queue?" + urlencode({**base, "before": page.prev_before}))
        if page.prev_before is not None
        else "",
        bulk_link="/bulk?" + urlencode(base),
        query=urlencode(base),
    )


@router.get("/item", response_class=HTMLResponse)
def item_page(request: Request, id: str = "") -> Response:
    session = require(request, Role.VIEWER)
    state = state_of(request)
    item = state.index.item(id)
    if item is None:
        return render(request, "error.html", 404, message="no such item in this run")
    queue = request.query_params.get("queue", "")[:2000]
    filters = Filters.from_params(dict(parse_qsl(queue)))
    following = state.index.page(filters, after=item["n"], size=1).rows
    findings = state.index.findings(id, item["shard"])
    content = state.content.get(id, item["shard"], item["sha256"])
    text_segments = []
    if content.item is not None and not content.problem and content.item.is_text:
        text_segments = segments(content.item.text, findings)
    return render(
        request,
        "item.html",
        session=session,
        item=item,
        findings=findings,
        decision=state.index.decision(id),
        history=state.desk.history(item["sha256"]),
        same=state.index.same_content(item["sha256"], id),
        content=content,
        segments=text_segments,
        boxes=boxes(findings),
        item_link=item_link,
        actions=ACTIONS,
        purpose=state.desk.purpose,
        entry=_int(request.query_params.get("entry")),
        image_link="/item/content?" + urlencode({"id": id}),
        queue=queue,
        queue_link="/queue" + (f"?{queue}" if queue else ""),
        next_link=item_link(following[0].item_id, queue) if following else "",
    )


@router.get("/item/content")
def item_content(request: Request, id: str = "") -> Response:
    """The item's bytes, for raster images only, sandboxed and never sniffed."""
    require(request, Role.VIEWER)
    state = state_of(request)
    item = state.index.item(id)
    if item is None:
        return Response("no such item", status_code=404, media_type="text/plain")
    content = state.content.get(id, item["shard"], item["sha256"])
    if content.image is None or content.item is None:
        return Response("not an image that can be shown", 404, media_type="text/plain")
    return Response(
        content.item.data,
        media_type=content.image[0],
        headers={
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Content-Disposition": "inline",
        },
    )
