"""The mandate: its periods and prolongations."""

from __future__ import annotations

from typing import Any

from flask import flash, render_template, request
from sqlalchemy import select

from intranet.plugin_api import MEMBERS, STAFF, db, record_audit, render_form, roles

from .. import chairmanship
from ..forms import MandateForm, ProlongationForm
from ..models import MandatePeriod
from . import bp
from .common import see_other

MANDATE_PAGE = 25


@bp.get("/mandate")
@roles(*MEMBERS)
def mandate_list() -> str:
    """The mandate periods, newest first, 25 a page (a mandate renewed every year or two for
    centuries made one page of 34 KB)."""
    mandates = db.paginate(
        select(MandatePeriod).order_by(MandatePeriod.start.desc()),
        page=request.args.get("page", 1, type=int),
        per_page=MANDATE_PAGE,
        error_out=False,
    )
    today = chairmanship.local_today()
    return render_template(
        "governance/mandate.html",
        mandates=mandates,
        current=chairmanship.current_mandate(today),
        ending=chairmanship.mandate_ending_soon(today),
    )


def store_mandate(form: Any, mandate: MandatePeriod, start: Any, end: Any) -> bool:
    clash = chairmanship.overlapping(MandatePeriod, start, end)
    if clash is not None:
        form.end.errors = [f"Overlaps the mandate {clash.start:%d %b %Y} to {clash.end:%d %b %Y}."]
        return False
    mandate.start, mandate.end = start, end
    mandate.decision_reference = form.decision_reference.data
    mandate.decision_date = form.decision_date.data
    mandate.decision_text = form.decision_text.data
    db.session.add(mandate)
    record_audit("governance.mandate.recorded", end=end.isoformat())
    db.session.commit()
    return True


@bp.route("/mandate/new", methods=["GET", "POST"])
@roles(*STAFF)
def mandate_new() -> Any:
    form = MandateForm()
    if form.validate_on_submit() and store_mandate(
        form, MandatePeriod(), form.start.data, form.end.data
    ):
        flash("Mandate period recorded.", "success")
        return see_other("governance.mandate_list")
    return render_form("governance/form.html", form, title="Record a mandate period")


@bp.route("/mandate/prolong", methods=["GET", "POST"])
@roles(*STAFF)
def mandate_prolong() -> Any:
    latest = chairmanship.latest_mandate()
    if latest is None:
        flash("Record the first mandate before a prolongation.", "error")
        return see_other("governance.mandate_new")
    start = chairmanship.day_after(latest.end)
    if start is None:
        flash(
            "The mandate runs until the last day a date can hold: correct its end first.", "error"
        )
        return see_other("governance.mandate_list")
    form = ProlongationForm()
    if form.validate_on_submit():
        if form.end.data < start:
            form.end.errors = [f"The prolongation starts on {start:%d %B %Y}; end after it."]
        elif store_mandate(form, MandatePeriod(is_prolongation=True), start, form.end.data):
            flash("Prolongation recorded.", "success")
            return see_other("governance.mandate_list")
    return render_form(
        "governance/form.html",
        form,
        title="Record a prolongation of the mandate",
        intro=f"The current mandate ends on {latest.end:%d %B %Y}; the prolongation starts "
        f"on {start:%d %B %Y}.",
    )
