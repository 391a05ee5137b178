"""Choosing people: a search as you type (htmx) that is a plain search form without JavaScript,
instead of a select listing every account (at N=1, fifteen thousand of them).

A form shows the picker with the macro `picker` of templates/macros/picker.html. Its search box
is named `<field>_q` and its "Find" button `<field>_search`: without JavaScript, "Find" submits
the whole form, and the view re-renders it with the people found (`picker_query` tells it to)
instead of saving it, so nothing typed is lost. With htmx, typing asks `/people/pick` for the
same results as a fragment. Either way the people found are radio buttons (or checkboxes)
named `<field>`, so choosing one is part of the form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlalchemy as sa
from flask import Blueprint, Flask, abort, render_template, request
from flask_login import current_user

from intranet.access import MEMBERS, roles
from intranet.directory.listing import search_terms, text_condition
from intranet.extensions import db
from intranet.models import User

bp = Blueprint("picker", __name__)

PICKER_LIMIT = 20  # people a search shows; more means typing more of the name
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


def find_people(query: str, viewer: User, limit: int = PICKER_LIMIT) -> list[tuple[int, str]]:
    """(id, name) of active accounts matching every word of `query` (name, position, country,
    organisation), by name; partners' guest accounts only for the secretariat and admins."""
    terms = search_terms(query)
    if not terms:
        return []
    statement = sa.select(User.id, User.name).where(User.is_active_account, text_condition(terms))
    if viewer.role not in ("secretariat", "admin"):
        statement = statement.where(User.role != "guest")
    rows = db.session.execute(statement.order_by(User.name, User.id).limit(limit)).all()
    return [(id_, name) for id_, name in rows]


def people_named(ids: Iterable[int | str]) -> list[tuple[int, str]]:
    """(id, name) of the active accounts among `ids` (numbers or digit strings), by name:
    what a picker shows as chosen, and what a view accepts from it."""
    wanted = {int(id_) for id_ in ids if str(id_).isdecimal() and len(str(id_)) <= 9}
    if not wanted:
        return []
    rows = db.session.execute(
        sa.select(User.id, User.name)
        .where(User.id.in_(wanted), User.is_active_account)
        .order_by(User.name, User.id)
    ).all()
    return [(id_, name) for id_, name in rows]


def picker_query(field: str) -> str | None:
    """What was typed in the picker of `field` when its "Find" button sent the form, else None."""
    if f"{field}_search" not in request.form:
        return None
    return request.form.get(f"{field}_q", "").strip()[:200]


@bp.get("/people/pick")
@roles(*MEMBERS)
def people() -> str:
    """The people found for a picker, as the fragment its search box swaps in."""
    field = request.args.get("field", "")
    if not FIELD_NAME.match(field):
        abort(404)
    query = request.args.get(f"{field}_q", "").strip()[:200]
    return render_template(
        "macros/_picker_results.html",
        field=field,
        query=query,
        found=find_people(query, current_user),
        multiple=request.args.get("multiple") == "1",
        limit=PICKER_LIMIT,
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
