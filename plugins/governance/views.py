"""The governance pages under /governance."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from intranet.plugin_api import (
    MEMBERS,
    STAFF,
    User,
    can,
    db,
    record_audit,
    render_form,
    roles,
    wants_fragment,
)
from plugins.governance import chairmanship, documents, notices, reports, settings
from plugins.governance.forms import (
    ChairPeriodForm,
    DecisionForm,
    GenerateForm,
    MandateForm,
    ProlongationForm,
    RejectionForm,
    ReportForm,
    ReportTextForm,
    RevisionForm,
    SettingsForm,
)
from plugins.governance.models import ChairPeriod, MandatePeriod, Proposal, Report, Revision

bp = Blueprint(
    "governance",
    __name__,
    url_prefix="/governance",
    template_folder="templates",
    static_folder="static",
)

STEER = "governance.steer"


def may_steer(user: Any) -> bool:
    """The secretariat and the current chair revise documents, decide proposals, write reports."""
    return can(user, STEER, roles=STAFF)


def require_steer() -> None:
    if not may_steer(current_user):
        abort(403)


def local_time(value: datetime | None) -> str:
    """A stored UTC time in the viewer's time zone."""
    if value is None:
        return ""
    try:
        zone = ZoneInfo(current_user.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return value.astimezone(zone).strftime("%d %b %Y, %H:%M")


@bp.context_processor
def helpers() -> dict[str, Any]:
    return {"local_time": local_time, "may_steer": may_steer, "documents": documents.DOCUMENTS}


def see_other(endpoint: str, **values: Any) -> BaseResponse:
    return redirect(url_for(endpoint, **values), code=303)


def page_or_fragment(fragment: str, title: str, **context: Any) -> str:
    """A widget body for htmx, or the same body in a full page for a plain link."""
    if wants_fragment():
        return render_template(fragment, **context)
    return render_template("dashboard/widget_page.html", body=fragment, title=title, **context)


# Overview and dashboard widgets


@bp.get("/")
@roles(*MEMBERS)
def index() -> str:
    today = chairmanship.local_today()
    return render_template(
        "governance/index.html",
        **chair_context(),
        mandate=chairmanship.current_mandate(today),
        open_proposals=db.session.scalar(
            select(db.func.count(Proposal.id)).where(Proposal.status == "open")
        ),
    )


def chair_context() -> dict[str, Any]:
    today = chairmanship.local_today()
    period = chairmanship.current_chair_period()
    handover = period is not None and chairmanship.in_last_month(period, today)
    return {
        "period": period,
        "handover": handover,
        "next_period": chairmanship.following_period(period) if handover else None,
        "today": today,
    }


@bp.get("/widgets/chair")
@roles(*MEMBERS)
def chair_widget() -> str:
    return page_or_fragment(
        "governance/_chair_widget.html",
        "Chair",
        **chair_context(),
        secretariat=chairmanship.secretariat_people(),
        shows_email=chairmanship.shows_email,
    )


@bp.get("/widgets/mandate")
@roles(*MEMBERS)
def mandate_widget() -> str:
    today = chairmanship.local_today()
    mandate = chairmanship.current_mandate(today)
    return page_or_fragment(
        "governance/_mandate_widget.html",
        "Mandate",
        mandate=mandate,
        ending=chairmanship.mandate_ending_soon(today),
        days_left=(mandate.end - today).days if mandate else None,
    )


# Chairmanship


@bp.get("/chairmanship")
@roles(*MEMBERS)
def chairmanship_list() -> str:
    periods = db.session.scalars(select(ChairPeriod).order_by(ChairPeriod.start.desc())).all()
    return render_template(
        "governance/chairmanship.html",
        periods=periods,
        current=chairmanship.current_chair_period(),
        rotation=settings.get("rotation_order"),
    )


def chairperson_choices() -> list[tuple[int, str]]:
    people = db.session.execute(
        select(User.id, User.name, User.country_code)
        .where(User.role != "guest", User.is_active_account.is_(True))
        .order_by(User.name)
    )
    return [(uid, f"{name} ({country})" if country else name) for uid, name, country in people]


def save_chair_period(form: ChairPeriodForm, period: ChairPeriod) -> bool:
    """Validate against the stored periods and copy the form into `period`; False on errors."""
    if not form.validate_on_submit():
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
        db.session.scalars(select(User).where(User.id.in_(form.chairpersons.data or [])))
    )
    db.session.add(period)
    return True


@bp.route("/chairmanship/new", methods=["GET", "POST"])
@roles(*STAFF)
def chair_new() -> Any:
    form = ChairPeriodForm()
    form.chairpersons.choices = chairperson_choices()
    if request.method == "GET":
        year = chairmanship.year_of(chairmanship.local_today())
        form.start.data, form.end.data = chairmanship.chair_year(year)
    period = ChairPeriod()
    if save_chair_period(form, period):
        record_audit("governance.chair_period.created", target=f"{period.country_code}")
        db.session.commit()
        flash("Chairmanship period saved.", "success")
        return see_other("governance.chairmanship_list")
    return render_form("governance/form.html", form, title="New chairmanship period")


@bp.route("/chairmanship/<int:period_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def chair_edit(period_id: int) -> Any:
    period = db.get_or_404(ChairPeriod, period_id)
    form = ChairPeriodForm(obj=period)
    form.chairpersons.choices = chairperson_choices()
    if request.method == "GET":
        form.chairpersons.data = [person.id for person in period.chairpersons]
        form.override.data = bool(period.override_reason)
    if save_chair_period(form, period):
        record_audit("governance.chair_period.changed", target=f"chair_period:{period.id}")
        db.session.commit()
        flash("Chairmanship period saved.", "success")
        return see_other("governance.chairmanship_list")
    return render_form(
        "governance/form.html", form, title="Edit chairmanship period", period=period
    )


@bp.post("/chairmanship/<int:period_id>/delete")
@roles(*STAFF)
def chair_delete(period_id: int) -> BaseResponse:
    period = db.get_or_404(ChairPeriod, period_id)
    db.session.delete(period)
    record_audit("governance.chair_period.deleted", target=f"chair_period:{period_id}")
    db.session.commit()
    flash("Chairmanship period deleted.", "success")
    return see_other("governance.chairmanship_list")


@bp.route("/chairmanship/generate", methods=["GET", "POST"])
@roles(*STAFF)
def chair_generate() -> Any:
    form = GenerateForm()
    if form.validate_on_submit():
        periods = chairmanship.generate_periods(form.count.data)
        if not periods:
            form.count.errors = ["Set the rotation order in the settings first."]
        else:
            record_audit("governance.chair_period.generated", details={"count": len(periods)})
            db.session.commit()
            flash(f"{len(periods)} chairmanship years added from the rotation.", "success")
            return see_other("governance.chairmanship_list")
    return render_form(
        "governance/form.html",
        form,
        title="Generate the next chairmanship years",
        intro="Adds the following years after the last recorded one, in the agreed rotation "
        "order: " + ", ".join(settings.get("rotation_order")) + ".",
        submit="Generate",
    )


@bp.route("/settings", methods=["GET", "POST"])
@roles(*STAFF)
def settings_edit() -> Any:
    form = SettingsForm(data=None if request.method == "POST" else settings.all_settings())
    if form.validate_on_submit():
        settings.save(
            {
                "rotation_order": form.rotation_order.data,
                "chair_actions": form.chair_actions.data,
                "mandate_warning_days": form.mandate_warning_days.data,
            }
        )
        record_audit("governance.settings.changed")
        db.session.commit()
        flash("Settings saved.", "success")
        return see_other("governance.chairmanship_list")
    return render_form("governance/form.html", form, title="Governance settings", submit="Save")


# Mandate


@bp.get("/mandate")
@roles(*MEMBERS)
def mandate_list() -> str:
    mandates = db.session.scalars(select(MandatePeriod).order_by(MandatePeriod.start)).all()
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
    record_audit("governance.mandate.recorded", details={"end": end.isoformat()})
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
    form = ProlongationForm()
    start = latest.end + timedelta(days=1)
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


# Objectives and methods of work


def document_or_404(document: str) -> str:
    if document not in documents.DOCUMENTS:
        abort(404)
    return documents.DOCUMENTS[document]


@bp.get("/documents/<document>")
@roles(*MEMBERS)
def document_show(document: str) -> str:
    title = document_or_404(document)
    revisions = db.session.scalars(
        select(Revision).where(Revision.document == document).order_by(Revision.number.desc())
    ).all()
    proposals = db.session.scalars(
        select(Proposal)
        .where(Proposal.document == document)
        .order_by(Proposal.status != "open", Proposal.created_at.desc())
    ).all()
    return render_template(
        "governance/document.html",
        document=document,
        title=title,
        revisions=revisions,
        current=revisions[0] if revisions else None,
        proposals=proposals,
    )


def revision_or_404(document: str, number: int) -> Revision:
    revision = db.session.scalar(
        select(Revision).where(Revision.document == document, Revision.number == number)
    )
    if revision is None:
        abort(404)
    return revision


@bp.get("/documents/<document>/revisions/<int:number>")
@roles(*MEMBERS)
def revision_show(document: str, number: int) -> str:
    title = document_or_404(document)
    revision = revision_or_404(document, number)
    return render_template(
        "governance/revision.html", document=document, title=title, revision=revision
    )


@bp.get("/documents/<document>/diff")
@roles(*MEMBERS)
def revision_diff(document: str) -> str | Response:
    title = document_or_404(document)
    old = revision_or_404(document, request.args.get("from", 0, type=int))
    new = revision_or_404(document, request.args.get("to", 0, type=int))
    if request.args.get("format") == "unified":
        return Response(documents.unified_diff(old, new), mimetype="text/plain")
    return render_template(
        "governance/diff.html",
        document=document,
        title=title,
        old=old,
        new=new,
        rows=documents.diff_lines(old.body, new.body),
    )


@bp.route("/documents/<document>/revise", methods=["GET", "POST"])
@roles(*MEMBERS)
def revise(document: str) -> Any:
    title = document_or_404(document)
    require_steer()
    latest = documents.latest_revision(document)
    form = RevisionForm(data={"body": latest.body} if latest and request.method == "GET" else None)
    if form.validate_on_submit():
        if latest is not None and form.body.data == latest.body:
            form.body.errors = ["The text is the same as the current revision."]
        else:
            revision = documents.add_revision(
                document, form.body.data, form.reason.data, current_user
            )
            db.session.flush()
            record_audit("governance.revised", target=f"{document}:{revision.number}")
            db.session.commit()
            notices.revision_adopted(revision, current_user)
            flash(f"Revision {revision.number} of the {title.lower()} saved.", "success")
            return see_other("governance.document_show", document=document)
    return render_form(
        "governance/form.html", form, title=f"Revise: {title}", submit="Save revision"
    )


@bp.route("/documents/<document>/propose", methods=["GET", "POST"])
@roles(*MEMBERS)
def propose(document: str) -> Any:
    title = document_or_404(document)
    latest = documents.latest_revision(document)
    form = RevisionForm(data={"body": latest.body} if latest and request.method == "GET" else None)
    if form.validate_on_submit():
        if latest is not None and form.body.data == latest.body:
            form.body.errors = ["The text is the same as the current revision."]
        else:
            proposal = Proposal(
                document=document,
                body=form.body.data,
                reason=form.reason.data,
                base_number=latest.number if latest else 0,
                proposer=current_user,
            )
            db.session.add(proposal)
            db.session.commit()
            notices.proposal_submitted(proposal, current_user)
            flash("Your proposal was sent to the chair and the secretariat.", "success")
            return see_other("governance.document_show", document=document)
    return render_form(
        "governance/form.html",
        form,
        title=f"Propose a revision: {title}",
        intro="The chair or the secretariat accepts your proposal as a new revision or "
        "answers with a comment.",
        submit="Send proposal",
    )


def open_proposal_or_404(proposal_id: int) -> Proposal:
    proposal = db.get_or_404(Proposal, proposal_id)
    if proposal.status != "open":
        abort(404)
    return proposal


@bp.get("/proposals/<int:proposal_id>")
@roles(*MEMBERS)
def proposal_show(proposal_id: int) -> str:
    proposal = db.get_or_404(Proposal, proposal_id)
    base = documents.latest_revision(proposal.document)
    return render_template(
        "governance/proposal.html",
        proposal=proposal,
        title=documents.DOCUMENTS.get(proposal.document, proposal.document),
        base=base,
        rows=documents.diff_lines(base.body if base else "", proposal.body),
        accept_form=DecisionForm(),
        reject_form=RejectionForm(),
    )


@bp.post("/proposals/<int:proposal_id>/accept")
@roles(*MEMBERS)
def proposal_accept(proposal_id: int) -> BaseResponse:
    require_steer()
    proposal = open_proposal_or_404(proposal_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    revision = documents.accept(proposal, current_user, form.comment.data)
    db.session.flush()
    record_audit("governance.proposal.accepted", target=f"proposal:{proposal.id}")
    db.session.commit()
    notices.proposal_decided(proposal, current_user)
    notices.revision_adopted(revision, current_user, proposal.proposer)
    flash(f"Proposal accepted as revision {revision.number}.", "success")
    return see_other("governance.document_show", document=proposal.document)


@bp.route("/proposals/<int:proposal_id>/reject", methods=["GET", "POST"])
@roles(*MEMBERS)
def proposal_reject(proposal_id: int) -> Any:
    require_steer()
    proposal = open_proposal_or_404(proposal_id)
    form = RejectionForm()
    if form.validate_on_submit():
        documents.decide(proposal, current_user, form.comment.data, "rejected")
        record_audit("governance.proposal.rejected", target=f"proposal:{proposal.id}")
        db.session.commit()
        notices.proposal_decided(proposal, current_user)
        flash("Proposal rejected; the proposer can read your comment.", "success")
        return see_other("governance.document_show", document=proposal.document)
    return render_form("governance/form.html", form, title="Reject the proposal", submit="Reject")


# Activity reports


def visible_report_or_404(report_id: int) -> Report:
    report = db.get_or_404(Report, report_id)
    if not report.is_submitted and not may_steer(current_user):
        abort(404)
    return report


def report_bases() -> list[tuple[str, str]]:
    chairs = db.session.scalars(select(ChairPeriod).order_by(ChairPeriod.start.desc())).all()
    mandates = db.session.scalars(select(MandatePeriod).order_by(MandatePeriod.start.desc()))
    return [
        ("custom", "Own dates (below)"),
        *[
            (f"chair:{p.id}", f"Chairmanship {p.country_code} {p.start:%Y}-{p.end:%Y}")
            for p in chairs
        ],
        *[(f"mandate:{m.id}", f"Mandate {m.start:%d %b %Y} to {m.end:%d %b %Y}") for m in mandates],
    ]


def period_of(basis: str, form: ReportForm) -> tuple[Any, Any]:
    kind, _, ident = basis.partition(":")
    model = {"chair": ChairPeriod, "mandate": MandatePeriod}.get(kind)
    if model is None:
        return form.start.data, form.end.data
    period = db.get_or_404(model, int(ident))
    return period.start, period.end


@bp.get("/reports")
@roles(*MEMBERS)
def report_list() -> str:
    query = select(Report).order_by(Report.start.desc(), Report.id.desc())
    if not may_steer(current_user):
        query = query.where(Report.submitted_at.is_not(None))
    return render_template("governance/reports.html", reports=db.session.scalars(query).all())


@bp.route("/reports/new", methods=["GET", "POST"])
@roles(*MEMBERS)
def report_new() -> Any:
    require_steer()
    form = ReportForm(basis=request.args.get("basis", "custom"))
    form.basis.choices = report_bases()
    if form.validate_on_submit():
        start, end = period_of(form.basis.data, form)
        report = Report(title=form.title.data, start=start, end=end, created_by=current_user)
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
