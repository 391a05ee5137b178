"""The objectives and methods of work: revisions, diffs and proposals."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import defer
from werkzeug.wrappers import Response as BaseResponse

from intranet.plugin_api import MEMBERS, db, record_audit, render_form, roles

from .. import documents, notices
from ..forms import DecisionForm, RejectionForm, RevisionForm
from ..models import Proposal, Revision
from . import bp
from .common import require_steer, see_other

HISTORY_PAGE = 25


def document_or_404(document: str) -> str:
    if document not in documents.DOCUMENTS:
        abort(404)
    return documents.DOCUMENTS[document]


@bp.get("/documents/<document>")
@roles(*MEMBERS)
def document_show(document: str) -> str:
    """The text in force, the proposals, and the history a page of revisions at a time (a
    document revised for years lists hundreds: 400 KB when the page listed them all)."""
    title = document_or_404(document)
    of_document = select(Revision).where(Revision.document == document)
    current = db.session.scalar(of_document.order_by(Revision.number.desc()).limit(1))
    history = db.paginate(
        of_document.order_by(Revision.number.desc()).options(defer(Revision.body)),
        page=request.args.get("page", 1, type=int),
        per_page=HISTORY_PAGE,
        error_out=False,
    )
    proposals = db.session.scalars(
        select(Proposal)
        .where(Proposal.document == document)
        .order_by(Proposal.status != "open", Proposal.created_at.desc())
    ).all()
    return render_template(
        "governance/document.html",
        document=document,
        title=title,
        history=history,
        current=current,
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
