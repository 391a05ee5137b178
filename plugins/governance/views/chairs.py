"""Chairmanship periods, their generation from the rotation, and the governance settings."""

from __future__ import annotations

from typing import Any

from flask import flash, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from intranet.plugin_api import (
    MEMBERS,
    STAFF,
    User,
    confirmation,
    country_name,
    db,
    find_people,
    people_named,
    picker_query,
    rearranged,
    record_audit,
    render_form,
    roles,
    settings_form,
    submitted_values,
)

from .. import audit, chairmanship, settings
from ..forms import ChairPeriodForm, GenerateForm
from ..models import ChairPeriod
from . import bp
from .common import see_other

CHAIR_PAGE = 25


@bp.get("/chairmanship")
@roles(*MEMBERS)
def chairmanship_list() -> str:
    """The chairmanship years, newest first, 25 a page (a rotation recorded for centuries made
    the page 290 KB)."""
    periods = db.paginate(
        select(ChairPeriod).order_by(ChairPeriod.start.desc()),
        page=request.args.get("page", 1, type=int),
        per_page=CHAIR_PAGE,
        error_out=False,
    )
    return render_template(
        "governance/chairmanship.html",
        periods=periods,
        current=chairmanship.current_chair_period(),
        rotation=settings.get("rotation_order"),
    )


def chairperson_ids(ids: list[int]) -> list[int]:
    """The ids among `ids` that may chair: active accounts, never guests."""
    return list(
        db.session.scalars(
            select(User.id).where(
                User.id.in_(ids), User.role != "guest", User.is_active_account.is_(True)
            )
        )
    )


def chairperson_picker(form: ChairPeriodForm) -> dict[str, Any]:
    """The chairpersons' picker: those chosen and, after "Find", the people found."""
    query = picker_query("chairpersons")
    return {
        "chairpersons": {
            "chosen": people_named(chairperson_ids(form.chairpersons.data or [])),
            "found": None if query is None else find_people(query, current_user),
            "query": query or "",
            "multiple": True,
        }
    }


def save_chair_period(form: ChairPeriodForm, period: ChairPeriod) -> bool:
    """Validate against the stored periods and copy the form into `period`; False on errors."""
    if picker_query("chairpersons") is not None or not form.validate_on_submit():
        return False
    clash = chairmanship.overlapping(ChairPeriod, form.start.data, form.end.data, period.id)
    if clash is not None:
        form.start.errors = [
            f"Overlaps the chairmanship of {clash.country_code} "
            f"({clash.start:%d %b %Y} to {clash.end:%d %b %Y})."
        ]
        return False
    period.start, period.end = form.start.data, form.end.data
    period.country_code = form.country_code.data
    period.override_reason = form.override_reason.data if form.override.data else None
    period.chairpersons = list(
        db.session.scalars(
            select(User).where(User.id.in_(chairperson_ids(form.chairpersons.data or [])))
        )
    )
    db.session.add(period)
    return True


@bp.route("/chairmanship/new", methods=["GET", "POST"])
@roles(*STAFF)
def chair_new() -> Any:
    form = ChairPeriodForm()
    if request.method == "GET":
        year = chairmanship.year_of(chairmanship.local_today())
        form.start.data, form.end.data = chairmanship.chair_year(year)
    period = ChairPeriod()
    if save_chair_period(form, period):
        db.session.flush()
        record_audit("governance.chair_period.created", target=f"chair_period:{period.id}")
        db.session.commit()
        flash("Chairmanship period saved.", "success")
        return see_other("governance.chairmanship_list")
    return render_form(
        "governance/form.html",
        form,
        title="New chairmanship period",
        pickers=chairperson_picker(form),
    )


@bp.route("/chairmanship/<int:period_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def chair_edit(period_id: int) -> Any:
    period = db.get_or_404(ChairPeriod, period_id)
    form = ChairPeriodForm(obj=period)
    if request.method == "GET":
        form.chairpersons.data = [person.id for person in period.chairpersons]
        form.override.data = bool(period.override_reason)
    if save_chair_period(form, period):
        record_audit("governance.chair_period.changed", target=f"chair_period:{period.id}")
        db.session.commit()
        flash("Chairmanship period saved.", "success")
        return see_other("governance.chairmanship_list")
    return render_form(
        "governance/form.html",
        form,
        title="Edit chairmanship period",
        period=period,
        pickers=chairperson_picker(form),
    )


@bp.post("/chairmanship/<int:period_id>/delete")
@roles(*STAFF)
def chair_delete(period_id: int) -> BaseResponse | str:
    period = db.get_or_404(ChairPeriod, period_id)
    asked = confirmation(
        f"Delete the chairmanship of {country_name(period.country_code)} "
        f"{period.start:%Y}-{period.end:%y}?",
        action="Delete the period",
        back=url_for("governance.chairmanship_list"),
    )
    if asked:
        return asked
    name = audit.period_name(period)
    db.session.delete(period)
    record_audit("governance.chair_period.deleted", target=f"chair_period:{period_id}", name=name)
    db.session.commit()
    flash("Chairmanship period deleted.", "success")
    return see_other("governance.chairmanship_list")


@bp.route("/chairmanship/generate", methods=["GET", "POST"])
@roles(*STAFF)
def chair_generate() -> Any:
    form = GenerateForm()
    if form.validate_on_submit():
        periods = chairmanship.generate_periods(form.count.data)
        if not settings.get("rotation_order"):
            form.count.errors = ["Set the rotation order in the settings first."]
        elif not periods:
            form.count.errors = ["No chairmanship year fits after the last recorded one."]
        else:
            record_audit("governance.chair_period.generated", count=len(periods))
            db.session.commit()
            flash(f"{len(periods)} chairmanship years added from the rotation.", "success")
            return see_other("governance.chairmanship_list")
    return render_form(
        "governance/form.html",
        form,
        title="Generate the next chairmanship years",
        intro="Adds the following years after the last recorded one, in the agreed rotation "
        "order: " + ", ".join(map(country_name, settings.get("rotation_order"))) + ".",
        submit="Generate",
    )


@bp.route("/settings", methods=["GET", "POST"])
@roles(*STAFF)
def settings_edit() -> Any:
    """The same typed fields as the admin's settings page, for the secretariat."""
    form = settings_form("governance", settings.SCHEMA, submitted=request.method == "POST")
    moved = rearranged(form)
    if not moved and form.validate_on_submit():
        settings.save(submitted_values(settings.SCHEMA, form))
        record_audit("governance.settings.changed")
        db.session.commit()
        flash("Settings saved.", "success")
        return see_other("governance.chairmanship_list")
    return render_form(
        "governance/form.html",
        form,
        title="Governance settings",
        intro="Not saved yet: press Save to keep the new order." if moved else "",
        submit="Save",
        settings_fields=True,
    )
