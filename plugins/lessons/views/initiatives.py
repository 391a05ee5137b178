"""Existing initiatives, registered so that work is not duplicated."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from flask import (
    abort,
    flash,
    render_template,
    request,
)
from flask_login import current_user
from sqlalchemy import select

from intranet.plugin_api import (
    MEMBERS,
    ResourceRef,
    can,
    db,
    grantable_resources,
    picker_query,
    record_audit,
    render_form,
    roles,
    utcnow,
)

from .. import lifecycle, rules
from ..forms import (
    InitiativeForm,
)
from ..models import (
    Initiative,
    InitiativeCountry,
    InitiativeResource,
    InitiativeRevision,
    Lesson,
    lesson_initiative,
)
from . import bp
from .common import see_other
from .revisions import newest_first


@bp.get("/initiatives")
@roles(*MEMBERS)
def initiatives() -> str:
    country = request.args.get("country", "")
    area = request.args.get("area", "")
    level = request.args.get("level", "")
    query = select(Initiative).order_by(Initiative.name)
    if country:
        query = query.where(
            Initiative.id.in_(
                select(InitiativeCountry.initiative_id).where(InitiativeCountry.code == country)
            )
        )
    if area:
        query = query.where(Initiative.area == area)
    if level:
        query = query.where(Initiative.level == level)
    return render_template(
        "lessons/initiatives.html",
        initiatives=db.session.scalars(query).all(),
        chosen={"country": country, "area": area, "level": level},
    )


@bp.get("/initiatives/<int:initiative_id>")
@roles(*MEMBERS)
def initiative(initiative_id: int) -> str:
    item = db.get_or_404(Initiative, initiative_id)
    linked = select(lesson_initiative.c.lesson_id).where(
        lesson_initiative.c.initiative_id == item.id
    )
    lessons = db.paginate(
        select(Lesson)
        .where(Lesson.id.in_(linked), rules.visible_to(current_user))
        .order_by(Lesson.title, Lesson.id),
        page=request.args.get("page", 1, type=int),
        per_page=LINKED_PAGE_SIZE,
        error_out=False,
    )
    editable = may_edit(item)
    history = []
    if editable:
        revisions = db.session.scalars(
            select(InitiativeRevision)
            .where(InitiativeRevision.initiative_id == item.id)
            .order_by(InitiativeRevision.number)
        ).all()
        history = newest_first(revisions)
    return render_template(
        "lessons/initiative.html",
        initiative=item,
        lessons=lessons,
        may_edit=editable,
        history=history,
    )


SUBGROUP = "subgroups.group"
LINKED_PAGE_SIZE = 50  # lessons listed on an initiative's page at a time
PICK_LIMIT = 20  # sub-groups a search shows; more means typing more of the name
NOTHING_FOUND = "No sub-group found"
MORE_FOUND = "Type more of the name to find another sub-group."


def group_ids(values: Iterable[Any]) -> set[int]:
    """The ids among form values (digit strings or numbers)."""
    return {int(value) for value in values if str(value).isdecimal() and len(str(value)) <= 9}


def offered_subgroups(ids: Collection[int]) -> dict[int, Any]:
    """The sub-groups among `ids` that the current user may link, as their plugin offers them
    (no import of it): never all of them, which at scale are thousands."""
    if not ids:
        return {}
    refs = {ResourceRef(SUBGROUP, id_) for id_ in ids}
    return {
        item.ref.id: item
        for item in grantable_resources(current_user, refs=refs, kinds={SUBGROUP})
        if item.ref.kind == SUBGROUP
    }


def find_subgroups(query: str | None) -> list[tuple[int, str]]:
    """The first sub-groups the current user may link whose name has every word of `query`."""
    if not (query or "").split():
        return []
    found = grantable_resources(current_user, query=query, limit=PICK_LIMIT, kinds={SUBGROUP})
    return [(item.ref.id, item.label) for item in found if item.ref.kind == SUBGROUP][:PICK_LIMIT]


def any_subgroup_offered() -> bool:
    """Whether the current user may link any sub-group at all (asks for one, not for all)."""
    found = grantable_resources(current_user, limit=1, kinds={SUBGROUP})
    return any(item.ref.kind == SUBGROUP for item in found)


def subgroups_picker(wanted: set[int], offered: dict[int, Any]) -> dict[str, Any] | None:
    """What the sub-groups' picker shows: the chosen ones and, after "Find", the matches (those
    already chosen left out); None when no sub-group may be linked."""
    chosen = sorted(
        ((id_, offered[id_].label) for id_ in wanted if id_ in offered), key=lambda c: c[1]
    )
    if not chosen and not any_subgroup_offered():
        return None
    query = picker_query("subgroups")
    found = None
    if query is not None:
        found = [choice for choice in find_subgroups(query) if choice not in chosen]
    return {
        "chosen": chosen,
        "found": found,
        "query": query or "",
        "limit": PICK_LIMIT,
        "nothing": NOTHING_FOUND,
        "more": MORE_FOUND,
    }


@bp.get("/initiatives/subgroups")
@roles(*MEMBERS)
def initiative_subgroups() -> str:
    """The sub-groups found for the initiative form's picker, as the fragment it swaps in."""
    query = request.args.get("subgroups_q", "").strip()[:200]
    return render_template(
        "macros/_picker_results.html",
        field="subgroups",
        query=query,
        found=find_subgroups(query),
        multiple=True,
        limit=PICK_LIMIT,
        nothing=NOTHING_FOUND,
        more=MORE_FOUND,
    )


def save_subgroups(item: Initiative, chosen: Collection[int], offered: dict[int, Any]) -> None:
    """Link the chosen sub-groups; links to groups not offered to this user stay as they are."""
    keep = [
        link
        for link in item.resources
        if link.resource_kind != SUBGROUP or link.resource_id not in offered
    ]
    item.resources = keep + [
        InitiativeResource(
            resource_kind=SUBGROUP,
            resource_id=group_id,
            label=offered[group_id].label[:300],
            url=offered[group_id].url[:500],
        )
        for group_id in sorted(set(chosen))
    ]


def may_edit(item: Initiative) -> bool:
    return can(current_user, "lessons.edit", ResourceRef(rules.INITIATIVE, item.id))


@bp.route("/initiatives/new", methods=["GET", "POST"])
@roles(*MEMBERS)
def initiative_new() -> Any:
    """Any member registers an initiative."""
    return initiative_page(None)


@bp.route("/initiatives/<int:initiative_id>/edit", methods=["GET", "POST"])
@roles(*MEMBERS)
def initiative_form(initiative_id: int) -> Any:
    """Whoever registered it, the reviewers and staff change it."""
    item = db.get_or_404(Initiative, initiative_id)
    if not may_edit(item):
        abort(403)
    return initiative_page(item)


def initiative_page(item: Initiative | None) -> Any:
    form = InitiativeForm(obj=item)
    linked = (
        {link.resource_id for link in item.resources if link.resource_kind == SUBGROUP}
        if item
        else set()
    )
    if request.method == "GET":
        wanted = linked
        if item is not None:
            form.countries.data = item.countries
            form.subgroups.data = sorted(linked)
    else:
        wanted = group_ids(request.form.getlist("subgroups"))
    offered = offered_subgroups(wanted | linked)
    form.subgroups.choices = [(group_id, entry.label) for group_id, entry in offered.items()]
    searching = picker_query("subgroups") is not None
    if not searching and form.validate_on_submit():
        if item is None:
            item = Initiative(author_id=current_user.id)
            db.session.add(item)
        chosen = form.subgroups.data or []
        del form.subgroups
        form.populate_obj(item)
        save_subgroups(item, chosen, offered)
        item.updated_at = utcnow()
        lifecycle.keep_initiative_revision(item, current_user)
        record_audit("lessons.initiative.saved", target=f"initiative:{item.id}")
        db.session.commit()
        flash("Initiative saved.", "success")
        return see_other("lessons.initiative", initiative_id=item.id)
    return render_form(
        "lessons/initiative_form.html",
        form,
        initiative=item,
        subgroups=subgroups_picker(wanted, offered),
    )
