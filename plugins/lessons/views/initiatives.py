"""Existing initiatives, registered so that work is not duplicated."""

from __future__ import annotations

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


def offered_subgroups() -> dict[int, Any]:
    """Sub-groups the current user may link, as their plugin offers them (no import of it)."""
    return {
        item.ref.id: item
        for item in grantable_resources(current_user, kinds={SUBGROUP})
        if item.ref.kind == SUBGROUP
    }


def save_subgroups(item: Initiative, chosen: list[int], offered: dict[int, Any]) -> None:
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
    offered = offered_subgroups()
    form.subgroups.choices = [(group_id, entry.label) for group_id, entry in offered.items()]
    if item is not None and request.method == "GET":
        form.countries.data = item.countries
        form.subgroups.data = [
            link.resource_id for link in item.resources if link.resource_kind == SUBGROUP
        ]
    if form.validate_on_submit():
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
    return render_form("lessons/initiative_form.html", form, initiative=item)
