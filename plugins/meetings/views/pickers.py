"""Choosing a sub-group or a series in the meetings forms: a search by a word, never a list of
every one (at scale, hundreds of sub-groups and as many series as the task force keeps).

The forms show the core's picker (templates/macros/picker.html): what is chosen stays ticked,
"Find" submits the form without saving it (the view re-renders it with the matches, so nothing
typed is lost), and with htmx the search box asks `pick` for the same matches as a fragment.
Sub-groups come from their plugin through `grantable_resources()`, never imported.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from intranet.plugin_api import (
    STAFF,
    ResourceRef,
    contains_words,
    db,
    grantable_resources,
    is_enabled,
    picker_query,
    roles,
)

from ..forms import LARGEST_ID
from ..models import Series
from .blueprint import bp

PICK_LIMIT = 20  # matches a search shows; more means typing more of the title
GROUP_KIND = "subgroups.group"

Choice = tuple[str, str]


def numbers(values: Iterable[Any]) -> set[int]:
    """The ids among form values ("42", or "subgroups.group:42" for an owner)."""
    found = set()
    for value in values:
        number = str(value or "").rpartition(":")[2]
        if number.isdecimal() and int(number) <= LARGEST_ID:
            found.add(int(number))
    return found


def find_groups(query: str | None) -> list[Any]:
    """The sub-groups the current user may choose whose name has every word of `query`."""
    if not (query or "").split():
        return []
    offered = grantable_resources(current_user, query=query, limit=PICK_LIMIT, kinds={GROUP_KIND})
    return [item for item in offered if item.ref.kind == GROUP_KIND][:PICK_LIMIT]


def groups_offered() -> bool:
    """Whether the plugin that owns sub-groups (a kind is prefixed with its plugin's name) is
    enabled: asking it for one would ask every plugin, lessons and meetings included."""
    return is_enabled(GROUP_KIND.partition(".")[0])


def groups_named(values: Iterable[Any]) -> list[Any]:
    """The sub-groups among `values` (ids) that the current user may choose, by name."""
    refs = {ResourceRef(GROUP_KIND, id_) for id_ in numbers(values)}
    if not refs:
        return []
    offered = grantable_resources(current_user, refs=refs)
    return sorted((i for i in offered if i.ref.kind == GROUP_KIND), key=lambda i: i.label)


def owner_choices(items: Iterable[Any]) -> list[Choice]:
    return [(f"{item.ref.kind}:{item.ref.id}", item.label) for item in items]


def group_choices(items: Iterable[Any]) -> list[Choice]:
    return [(str(item.ref.id), item.label) for item in items]


def find_series(query: str | None) -> list[Choice]:
    if not (query or "").split():
        return []
    rows = db.session.execute(
        select(Series.id, Series.title)
        .where(contains_words(Series.title, query))
        .order_by(Series.title, Series.id)
        .limit(PICK_LIMIT)
    ).all()
    return [(str(id_), title) for id_, title in rows]


def series_named(values: Iterable[Any]) -> list[Choice]:
    wanted = numbers(values)
    if not wanted:
        return []
    rows = db.session.execute(
        select(Series.id, Series.title).where(Series.id.in_(wanted)).order_by(Series.title)
    ).all()
    return [(str(id_), title) for id_, title in rows]


# What each picker of these forms finds: its matches for a search, one at a time or several.
FINDERS = {
    "owner": (lambda query: owner_choices(find_groups(query)), False),
    "series": (find_series, False),
    "groups": (lambda query: group_choices(find_groups(query)), True),
}
WORDING = {
    "owner": ("No sub-group found", "Type more of the name to find another sub-group."),
    "series": ("No series found", "Type more of the name to find another series."),
    "groups": ("No sub-group found", "Type more of the name to find another sub-group."),
}


def picker_context(field: str, chosen: list[Choice]) -> dict[str, Any]:
    """What the picker of `field` shows: the chosen entries and, after "Find", the matches
    (those already chosen left out)."""
    query = picker_query(field)
    find, _ = FINDERS[field]
    found = None
    if query is not None:
        found = [choice for choice in find(query) if choice not in chosen]
    nothing, more = WORDING[field]
    return {
        "chosen": chosen,
        "found": found,
        "query": query or "",
        "limit": PICK_LIMIT,
        "nothing": nothing,
        "more": more,
    }


@bp.get("/pick")
@roles(*STAFF)
def pick() -> str:
    """The matches of a meetings form's picker, as the fragment its search box swaps in."""
    field = request.args.get("field", "")
    if field not in FINDERS:
        abort(404)
    find, multiple = FINDERS[field]
    query = request.args.get(f"{field}_q", "").strip()[:200]
    nothing, more = WORDING[field]
    return render_template(
        "macros/_picker_results.html",
        field=field,
        query=query,
        found=find(query),
        multiple=multiple,
        limit=PICK_LIMIT,
        nothing=nothing,
        more=more,
    )
