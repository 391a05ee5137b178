"""The audit log for admins and the secretariat: read-only, filterable, exportable as CSV.

The log is append-only: there is deliberately no route that edits or deletes an event.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Flask, Response, render_template, request
from sqlalchemy import Select, select

from intranet.access import STAFF, roles
from intranet.administration.audit_sentences import kind_choices, sentences
from intranet.extensions import db
from intranet.forms import EARLIEST_DATE, LATEST_DATE
from intranet.models import AuditEvent, User
from intranet.platform.localtime import start_of_day, viewer_time
from intranet.platform.spreadsheet import spreadsheet_cell
from intranet.web import wants_fragment

PAGE_SIZE = 50
CSV_HEADER = [
    "time_utc",
    "time_local",
    "actor",
    "actor_email",
    "event",
    "action",
    "target",
    "ip",
    "details",
]

bp = Blueprint("audit", __name__)


def _date(name: str, errors: dict[str, str]) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        errors[name] = "Enter a date as YYYY-MM-DD."
        return None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        errors[name] = f"Enter a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}."
        return None
    return day


def filtered_events() -> tuple[Select[Any], dict[str, str], dict[str, str]]:
    """The events matching the request's filters, newest first; with the filters and errors."""
    errors: dict[str, str] = {}
    filters = {key: request.args.get(key, "").strip() for key in ("person", "kind", "from", "to")}
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if filters["person"]:
        if filters["person"].isdigit():
            query = query.where(AuditEvent.actor_id == int(filters["person"]))
        else:
            errors["person"] = "Choose a person from the list."
    if filters["kind"]:
        query = query.where(AuditEvent.action == filters["kind"])
    start, end = _date("from", errors), _date("to", errors)
    if start and end and end < start:
        errors["to"] = "The end of the period is before its start."
    elif start or end:
        if start:
            query = query.where(AuditEvent.at >= start_of_day(start))
        if end:
            query = query.where(AuditEvent.at < start_of_day(end + timedelta(days=1)))
    return query, filters, errors


def actors_of(events: list[AuditEvent]) -> dict[int, User]:
    """The actors of `events`, in one query."""
    ids = {event.actor_id for event in events if event.actor_id is not None}
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def people_in_log() -> list[User]:
    """Everyone who did something recorded in the log, by name, for the person filter."""
    acted = select(AuditEvent.actor_id).where(AuditEvent.actor_id.is_not(None)).distinct()
    return list(db.session.scalars(select(User).where(User.id.in_(acted)).order_by(User.name)))


@bp.get("/admin/audit")
@roles(*STAFF)
def index() -> str | tuple[str, int]:
    query, filters, errors = filtered_events()
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False, count=True)
    fragment = wants_fragment()
    recorded = [] if fragment else db.session.scalars(select(AuditEvent.action).distinct()).all()
    template = "audit/_results.html" if fragment else "audit/index.html"
    html = render_template(
        template,
        pagination=pagination,
        sentences=sentences(pagination.items, actors_of(pagination.items)),
        filters=filters,
        errors=errors,
        kinds=[] if fragment else kind_choices(list(recorded)),
        people=[] if fragment else people_in_log(),
        query_args={key: value for key, value in filters.items() if value},
    )
    return (html, 422) if errors else html


@bp.get("/admin/audit.csv")
@roles(*STAFF)
def export() -> Response | tuple[str, int]:
    query, _filters, errors = filtered_events()
    if errors:
        return "; ".join(errors.values()), 400
    buffer = io.StringIO()
    buffer.write("\ufeff")  # UTF-8 with a byte-order mark, so spreadsheets read names right
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for batch in db.session.scalars(query.execution_options(yield_per=500)).partitions():
        actors = actors_of(batch)
        for told in sentences(batch, actors):
            event = told.event
            actor = actors.get(event.actor_id)
            writer.writerow(
                spreadsheet_cell(value)
                for value in (
                    event.at.isoformat(),
                    viewer_time(event.at, "%Y-%m-%d %H:%M:%S %Z"),
                    actor.name if actor else "",
                    actor.email if actor else "",
                    "".join(part.text for part in told.parts),
                    event.action,
                    event.target,
                    event.ip,
                    json.dumps(event.details or {}, ensure_ascii=False, sort_keys=True),
                )
            )
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
