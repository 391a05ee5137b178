"""Activity reports: drafting, submitting, reading and downloading them."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, render_template, request
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from intranet.plugin_api import (
    MEMBERS,
    ResourceRef,
    can,
    country_name,
    db,
    record_audit,
    render_form,
    roles,
)

from .. import chairmanship, notices, reports, rules
from ..forms import ReportForm, ReportTextForm
from ..models import ChairPeriod, MandatePeriod, Report
from . import bp
from .common import require_steer, see_other


def visible_report_or_404(report_id: int) -> Report:
    report = db.get_or_404(Report, report_id)
    if not can(current_user, rules.VIEW, ResourceRef(rules.REPORT, report.id)):
        abort(404)
    return report


def chair_label(period: ChairPeriod) -> str:
    return f"Chairmanship of {country_name(period.country_code)} {period.start:%Y}-{period.end:%Y}"


REPORT_BASES = 10  # the latest chairmanship years offered as a report's period
REPORT_MANDATES = 5  # and the latest mandates
REPORT_PAGE = 25


def begun(model: Any, today: Any, count: int, wanted: int | None) -> list[Any]:
    """The latest `count` periods of `model` that have begun by `today`, and the one `wanted`."""
    query = select(model).where(model.start <= today).order_by(model.start.desc()).limit(count)
    periods = list(db.session.scalars(query))
    if wanted is not None and all(period.id != wanted for period in periods):
        periods += filter(None, [db.session.get(model, wanted)])
    return periods


def report_bases(wanted: str | None = None) -> list[tuple[str, str]]:
    """The periods a report may cover: the latest chairmanship years and mandates that have
    begun (a rotation recorded for centuries made the form 53 KB), the period `wanted` (a link
    to a mandate's final report, or the posted choice) and own dates."""
    today = chairmanship.local_today()
    kind, _, ident = (wanted or "").partition(":")
    wanted_id = int(ident) if ident.isascii() and ident.isdigit() and len(ident) < 19 else None
    chairs = begun(ChairPeriod, today, REPORT_BASES, wanted_id if kind == "chair" else None)
    mandates = begun(
        MandatePeriod, today, REPORT_MANDATES, wanted_id if kind == "mandate" else None
    )
    return [
        *[
            (f"chair:{p.id}", f"{chair_label(p)} ({p.start:%d %b %Y} to {p.end:%d %b %Y})")
            for p in chairs
        ],
        *[(f"mandate:{m.id}", f"Mandate {m.start:%d %b %Y} to {m.end:%d %b %Y}") for m in mandates],
        ("custom", "Own dates (below)"),
    ]


def default_basis() -> str:
    """The chairmanship year in force (the report a secretariat writes), else own dates."""
    period = chairmanship.current_chair_period()
    return f"chair:{period.id}" if period else "custom"


def period_of(basis: str, form: ReportForm) -> tuple[Any, Any]:
    kind, _, ident = basis.partition(":")
    model = {"chair": ChairPeriod, "mandate": MandatePeriod}.get(kind)
    if model is None:
        return form.start.data, form.end.data
    period = db.get_or_404(model, int(ident))
    return period.start, period.end


def generated_title(basis: str, start: Any, end: Any) -> str:
    kind, _, ident = basis.partition(":")
    if kind == "chair":
        period = db.get_or_404(ChairPeriod, int(ident))
        return f"Activity report: {chair_label(period)}"
    return f"Activity report {start:%d %B %Y} to {end:%d %B %Y}"


@bp.get("/reports")
@roles(*MEMBERS)
def report_list() -> str:
    """The reports, newest period first, 25 a page (400 reports at N=10 made one page 69 KB)."""
    query = select(Report).order_by(Report.start.desc(), Report.id.desc())
    reports = db.paginate(
        query.where(rules.visible_reports(current_user)),
        page=request.args.get("page", 1, type=int),
        per_page=REPORT_PAGE,
        error_out=False,
    )
    return render_template("governance/reports.html", reports=reports)


@bp.route("/reports/new", methods=["GET", "POST"])
@roles(*MEMBERS)
def report_new() -> Any:
    require_steer()
    wanted = request.form.get("basis") or request.args.get("basis")
    form = ReportForm(basis=request.args.get("basis") or default_basis())
    form.basis.choices = report_bases(wanted)
    if form.validate_on_submit():
        start, end = period_of(form.basis.data, form)
        title = form.title.data or generated_title(form.basis.data, start, end)
        report = Report(title=title, start=start, end=end, created_by=current_user)
        db.session.add(report)
        db.session.commit()
        flash("Report created: write the introduction and conclusions.", "success")
        return see_other("governance.report_edit", report_id=report.id)
    return render_form("governance/form.html", form, title="New activity report", submit="Create")


@bp.get("/reports/<int:report_id>")
@roles(*MEMBERS)
def report_show(report_id: int) -> str:
    report = visible_report_or_404(report_id)
    return render_template(
        "governance/report.html",
        report=report,
        sections=reports.sections_of(report, current_user),
    )


@bp.route("/reports/<int:report_id>/edit", methods=["GET", "POST"])
@roles(*MEMBERS)
def report_edit(report_id: int) -> Any:
    require_steer()
    report = db.get_or_404(Report, report_id)
    if report.is_submitted:
        flash("A submitted report is frozen and cannot be changed.", "error")
        return see_other("governance.report_show", report_id=report.id)
    form = ReportTextForm(obj=report)
    if form.validate_on_submit():
        form.populate_obj(report)
        db.session.commit()
        flash("Report saved.", "success")
        return see_other("governance.report_show", report_id=report.id)
    return render_form("governance/form.html", form, title=f"Edit: {report.title}", submit="Save")


@bp.post("/reports/<int:report_id>/submit")
@roles(*MEMBERS)
def report_submit(report_id: int) -> BaseResponse:
    require_steer()
    report = db.get_or_404(Report, report_id)
    if not report.is_submitted:
        reports.submit(report, current_user)
        record_audit("governance.report.submitted", target=f"report:{report.id}")
        db.session.commit()
        notices.report_submitted(report, current_user)
        flash("Report submitted and frozen.", "success")
    return see_other("governance.report_show", report_id=report.id)


def download(report: Report, body: bytes | str, extension: str, mimetype: str) -> Response:
    filename = f"activity-report-{report.start:%Y%m%d}-{report.end:%Y%m%d}.{extension}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/reports/<int:report_id>.md")
@roles(*MEMBERS)
def report_markdown(report_id: int) -> Response:
    report = visible_report_or_404(report_id)
    text = reports.to_markdown(report, reports.sections_of(report, current_user))
    return download(report, text, "md", "text/markdown")


@bp.get("/reports/<int:report_id>.pdf")
@roles(*MEMBERS)
def report_pdf(report_id: int) -> Response:
    report = visible_report_or_404(report_id)
    pdf = reports.to_pdf(report, reports.sections_of(report, current_user))
    return download(report, pdf, "pdf", "application/pdf")
