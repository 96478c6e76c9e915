"""State-changing and audit routes: decide, bulk decide (with confirmation), audit, export,
users. Every POST checks the role and the session's CSRF token first (``require_form``)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from clearance.review.app import render, require, require_form, state_of
from clearance.review.desk import ACTIONS, DeskError, export_csv, export_json
from clearance.review.filters import Filters
from clearance.review.users import Role

router = APIRouter()
AUDIT_PAGE = 100


@router.post("/item/decide")
async def decide(request: Request) -> Response:
    session, form = await require_form(request, Role.REVIEWER)
    state = state_of(request)
    item_id = form.get("id", "")
    try:
        entry = state.desk.decide(
            item_id, form.get("action", ""), form.get("reason", ""), session.user.name
        )
    except DeskError as exc:
        return render(request, "error.html", 400, message=str(exc), back=item_id)
    queue = form.get("queue", "")[:2000]
    target = {"id": item_id, "entry": entry.seq, **({"queue": queue} if queue else {})}
    return RedirectResponse("/item?" + urlencode(target), status_code=303)


@router.get("/bulk", response_class=HTMLResponse)
def bulk_confirm(request: Request) -> Response:
    """What a bulk decision over the current filter would touch, before anything is written."""
    session = require(request, Role.ADMIN)
    state = state_of(request)
    filters = Filters.from_params(request.query_params)
    return render(
        request,
        "bulk.html",
        session=session,
        plan=state.desk.plan(filters),
        filters=filters,
        actions=ACTIONS,
        limit=state.desk.bulk_limit,
        query=urlencode(filters.as_params()),
    )


@router.post("/bulk")
async def bulk(request: Request) -> Response:
    session, form = await require_form(request, Role.ADMIN)
    state = state_of(request)
    filters = Filters.from_params(form)
    try:
        confirmed = int(form.get("confirmed", "-1"))
    except ValueError:
        confirmed = -1
    try:
        entries = state.desk.bulk(
            filters, form.get("action", ""), form.get("reason", ""), session.user.name, confirmed
        )
    except DeskError as exc:
        return render(request, "error.html", 400, message=str(exc))
    first = entries[0].seq if entries else 0
    return RedirectResponse(f"/audit?from_bulk={len(entries)}&first={first}", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request) -> Response:
    session = require(request, Role.VIEWER)
    state = state_of(request)
    entries = list(reversed(state.desk.entries()))
    try:
        offset = max(0, int(request.query_params.get("offset") or 0))
    except ValueError:
        offset = 0
    check = state.desk.verification() if state.desk.ledger.exists() else None
    return render(
        request,
        "audit.html",
        session=session,
        entries=entries[offset : offset + AUDIT_PAGE],
        total=len(entries),
        offset=offset,
        page=AUDIT_PAGE,
        check=check,
        ledger=str(state.desk.ledger.path),
        bulk_count=request.query_params.get("from_bulk", ""),
    )


@router.get("/audit/decisions.csv")
def export_decisions_csv(request: Request) -> Response:
    require(request, Role.ADMIN)
    state = state_of(request)
    return Response(
        export_csv(state.desk.entries()),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="clearance-decisions.csv"'},
    )


@router.get("/audit/decisions.json")
def export_decisions_json(request: Request) -> Response:
    require(request, Role.ADMIN)
    state = state_of(request)
    ok = state.desk.verification().ok if state.desk.ledger.exists() else True
    return Response(
        export_json(state.desk.entries(), state.desk.ledger.path, ok),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="clearance-decisions.json"'},
    )


@router.get("/users", response_class=HTMLResponse)
def users(request: Request) -> Response:
    session = require(request, Role.ADMIN)
    state = state_of(request)
    return render(
        request, "users.html", session=session, users=state.users.list(),
        path=str(state.users.path),
    )  # fmt: skip
