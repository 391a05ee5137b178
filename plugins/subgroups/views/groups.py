"""The list of sub-groups, proposing one, the decision on a proposal and the group page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from intranet.plugin_api import (
    EVERYONE,
    MEMBERS,
    STAFF,
    User,
    attachments_for,
    collect,
    db,
    find_people,
    people_named,
    picker_query,
    render_form,
    roles,
    similar_work,
    utcnow,
    wants_fragment,
)

from .. import notices, rules
from ..forms import DocumentForm, ProposeForm, ThreadForm
from ..models import Activity, Extension, Membership, Post, SubGroup, Thread, log_activity, today
from . import bp
from .common import OWNER, convenor_ids, group_url, load_group, refuse

TABS = {"active": "Active", "proposed": "Proposed", "archived": "Archived"}
PER_PAGE = 20


@bp.get("/")
@roles(*EVERYONE)
def index() -> str:
    tab = request.args.get("tab", "active")
    if tab not in TABS:
        tab = "active"
    query = select(SubGroup)
    if tab == "active":
        query = query.where(rules.currently_active()).order_by(SubGroup.name)
    elif tab == "proposed":
        query = query.where(SubGroup.status == "proposed").order_by(SubGroup.created_at.desc())
    else:
        archived = rules.currently_archived() | (SubGroup.status == "rejected")
        query = query.where(archived).order_by(SubGroup.end_date.desc())
    page = db.paginate(
        rules.listed(query, current_user),
        page=request.args.get("page", 1, type=int),
        per_page=PER_PAGE,
        error_out=False,
        count=True,
    )
    groups = page.items
    counts = dict(
        db.session.execute(
            select(Membership.group_id, func.count(Membership.id))
            .where(Membership.group_id.in_([g.id for g in groups]), Membership.state == "active")
            .group_by(Membership.group_id)
        ).all()
    )
    rows = [(group, counts.get(group.id, 0)) for group in groups]
    return render_template("subgroups/index.html", rows=rows, page=page, tab=tab, tabs=TABS)


def similar_items(name: str, mandate: str) -> list[Any]:
    text = f"{name}\n{mandate}".strip()
    if len(text) < 3:
        return []
    return similar_work(text, current_user, limit=5)


@bp.route("/propose", methods=["GET", "POST"])
@roles(*MEMBERS)
def propose() -> Any:
    form = ProposeForm() if request.method == "POST" else ProposeForm(formdata=request.args or None)
    if not current_user.is_staff:
        del form.convenors
    query = picker_query("convenors") if current_user.is_staff else None
    convenor_picker = {}
    if current_user.is_staff:
        chosen = convenor_ids(form.convenors.data or [])
        found = None if query is None else find_people(query, current_user)
        convenor_picker = {"chosen": people_named(chosen), "found": found, "query": query or ""}
    if query is None and form.validate_on_submit():
        staff = current_user.is_staff
        group = SubGroup(
            name=form.name.data.strip(),
            kind=form.kind.data,
            mandate=form.mandate.data,
            start_date=form.start_date.data,
            end_date=form.end_date.data,
            join_policy=form.join_policy.data,
            status="active" if staff else "proposed",
            created_by_id=current_user.id,
        )
        if staff:
            group.approved_by_id = current_user.id
            group.approved_at = utcnow()
        convenors = (convenor_ids(form.convenors.data or []) if staff else None) or [
            current_user.id
        ]
        for user_id in convenors:
            group.memberships.append(
                Membership(user_id=user_id, role="convenor", state="active", joined_at=utcnow())
            )
        db.session.add(group)
        action = "created" if staff else "proposed"
        log_activity(group, current_user, action, f"{current_user.name} {action} the sub-group")
        db.session.commit()
        if not staff:
            notices.proposed(group, current_user)
        flash(
            "The sub-group is active."
            if staff
            else "Your proposal was sent; the secretariat will decide on it.",
            "success",
        )
        return redirect(group_url(group), code=303)
    similar = similar_items(form.name.data or "", form.mandate.data or "")
    checked = bool(request.args.get("name") or request.args.get("mandate"))
    return render_form(
        "subgroups/propose.html",
        form,
        similar=similar,
        checked=checked,
        convenor_picker=convenor_picker,
    )


# The draft's fields that may travel in a URL: everything but the CSRF token.
DRAFT_FIELDS = ("name", "kind", "mandate", "start_date", "end_date", "join_policy", "convenors")


@bp.post("/propose/check")
@roles(*MEMBERS)
def check_similar() -> Response:
    """Without JavaScript, "Check for similar work" posts the draft here (CSRF-checked like any
    POST) and is sent back to the form with the draft, never the token, in the address."""
    draft = [
        (key, value) for key in DRAFT_FIELDS for value in request.form.getlist(key) if value.strip()
    ]
    query = f"?{urlencode(draft)}" if draft else ""
    return redirect(f"{url_for('subgroups.propose')}{query}#similar-work", code=303)


@bp.get("/similar")
@roles(*MEMBERS)
def similar() -> str:
    name = request.args.get("name", "")
    mandate = request.args.get("mandate", "")
    items = similar_items(name, mandate)
    if wants_fragment():
        return render_template("subgroups/_similar.html", similar=items, checked=True)
    return render_template(
        "subgroups/similar.html", similar=items, checked=True, name=name, mandate=mandate
    )


@bp.post("/<int:group_id>/<any(approve, reject):decision>")
@roles(*STAFF)
def decide(group_id: int, decision: str) -> Response:
    group = load_group(group_id, members=False)
    if group.status != "proposed":
        return refuse("Only a proposed sub-group can be approved or rejected.", group_url(group))
    if decision == "approve" and group.end_date < today():
        return refuse(
            "The proposed end date has passed; the proposer should propose new dates.",
            group_url(group),
        )
    group.status = "active" if decision == "approve" else "rejected"
    group.approved_by_id = current_user.id
    group.approved_at = utcnow()
    verb = "approved" if decision == "approve" else "rejected"
    log_activity(group, current_user, verb, f"{current_user.name} {verb} the proposal")
    db.session.commit()
    notices.decided(group, decision == "approve", current_user)
    flash(f"The sub-group was {verb}.", "success")
    return redirect(group_url(group), code=303)


@bp.get("/<int:group_id>")
@roles(*EVERYONE)
def show(group_id: int) -> Any:
    group = load_group(group_id)
    threads = group_threads(group)
    response = render_group(group, threads=threads)
    mine = rules.active_membership(group, current_user)
    newest = threads[0][0].last_post_at if threads else None
    if mine is not None and newest and (mine.last_seen_at is None or mine.last_seen_at < newest):
        mine.last_seen_at = utcnow()  # written only when there is something new to have seen
        db.session.commit()
    return response


def group_threads(group: SubGroup) -> list[Any]:
    """The 30 most recently active threads with their post counts, newest first."""
    # Counted per shown thread through the thread_id index, not over every post of every group.
    post_count = select(func.count(Post.id)).where(Post.thread_id == Thread.id).scalar_subquery()
    return list(
        db.session.execute(
            select(Thread, post_count.label("posts"))
            .where(Thread.group_id == group.id)
            .options(joinedload(Thread.author))
            .order_by(Thread.last_post_at.desc())
            .limit(30)
        ).all()
    )


def render_group(
    group: SubGroup, document_form: DocumentForm | None = None, threads: list[Any] | None = None
) -> Any:
    if threads is None:
        threads = group_threads(group)
    timeline = db.session.scalars(
        select(Activity)
        .where(Activity.group_id == group.id)
        .options(joinedload(Activity.actor))
        .order_by(Activity.at.desc(), Activity.id.desc())
        .limit(20)
    ).all()
    extensions = db.session.scalars(
        select(Extension)
        .where(Extension.group_id == group.id)
        .options(joinedload(Extension.by))
        .order_by(Extension.at)
    ).all()
    sections = collect("intranet_resource_sections", resource=rules.ref(group), viewer=current_user)
    mine = next((m for m in group.memberships if m.user_id == current_user.id), None)
    active = [m for m in group.memberships if m.state == "active"]
    active.sort(key=lambda m: (m.role != "convenor", m.user.name))
    pending = [m for m in group.memberships if m.state != "active"]
    documents = attachments_for(OWNER, rules.ref(group).kind, group.id)
    uploader_ids = {d.uploaded_by_id for d in documents if d.uploaded_by_id}
    uploaders = (
        dict(db.session.execute(select(User.id, User.name).where(User.id.in_(uploader_ids))).all())
        if uploader_ids
        else {}
    )
    return render_form(
        "subgroups/group.html",
        document_form or DocumentForm(),
        document_form=document_form or DocumentForm(),
        documents=documents,
        uploaders=uploaders,
        deletable_documents={
            d.id
            for d in documents
            if rules.may_delete_document(current_user, group, d.uploaded_by_id)
        },
        may_upload=rules.may_upload(current_user, group),
        group=group,
        members=active,
        pending=pending,
        mine=mine,
        threads=threads,
        timeline=timeline,
        extensions=extensions,
        sections=sections,
        may_manage=rules.may_manage(current_user, group),
        may_post=rules.may_post(current_user, group),
        thread_form=ThreadForm(),
    )


@bp.get("/mine")
@roles(*EVERYONE)
def my_groups() -> str:
    # Posts by others since the member last opened the group's page (or since joining), in
    # the same query as the groups: one correlated count per row, no query per group.
    unread = (
        select(func.count(Post.id))
        .join(Thread, Thread.id == Post.thread_id)
        .where(
            Thread.group_id == SubGroup.id,
            Membership.state == "active",
            Post.deleted_at.is_(None),
            Post.created_at > func.coalesce(Membership.last_seen_at, Membership.joined_at),
            or_(Post.author_id.is_(None), Post.author_id != current_user.id),
        )
        .correlate(SubGroup, Membership)
        .scalar_subquery()
    )
    mine = (
        select(SubGroup, Membership.state, unread)
        .join(Membership, Membership.group_id == SubGroup.id)
        .where(Membership.user_id == current_user.id, rules.currently_active())
        .order_by(SubGroup.name)
    )
    rows = db.session.execute(rules.listed(mine, current_user)).all()
    if wants_fragment():
        return render_template("subgroups/_mine.html", rows=rows)
    return render_template(
        "dashboard/widget_page.html", body="subgroups/_mine.html", title="My sub-groups", rows=rows
    )
