"""The sub-groups pages: list, propose, decide, group page, membership, discussion."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from intranet.plugin_api import (
    EVERYONE,
    MEMBERS,
    STAFF,
    Attachment,
    AttachmentError,
    User,
    attachments_for,
    collect,
    db,
    delete_attachment,
    render_form,
    roles,
    save_upload,
    similar_work,
    utcnow,
    wants_fragment,
)
from plugins.subgroups import notices, rules
from plugins.subgroups.forms import (
    DocumentForm,
    ExtendForm,
    InviteForm,
    PostForm,
    ProposeForm,
    ThreadForm,
)
from plugins.subgroups.models import (
    Activity,
    Extension,
    Membership,
    Post,
    SubGroup,
    Thread,
    log_activity,
    today,
)

bp = Blueprint("subgroups", __name__, url_prefix="/subgroups", template_folder="templates")

TABS = {"active": "Active", "proposed": "Proposed", "archived": "Archived"}
PER_PAGE = 20


@bp.app_template_filter("subgroups_local")
def local_time(value: datetime | None) -> str:
    """A stored UTC time in the viewer's own time zone."""
    if value is None:
        return ""
    try:
        zone = ZoneInfo(getattr(current_user, "timezone", None) or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return value.astimezone(zone).strftime("%d %b %Y %H:%M")


def refuse(message: str, target: str) -> Response:
    """Refuse an action with a clear message; nothing has been stored."""
    db.session.rollback()
    flash(message, "error")
    return redirect(target, code=303)


def load_group(group_id: int, *, members: bool = True) -> SubGroup:
    options = [joinedload(SubGroup.created_by), joinedload(SubGroup.approved_by)]
    if members:
        options.append(joinedload(SubGroup.memberships).joinedload(Membership.user))
    group = (
        db.session.execute(select(SubGroup).where(SubGroup.id == group_id).options(*options))
        .unique()
        .scalar_one_or_none()
    )
    if group is None or not rules.may_view(current_user, group):
        abort(404)
    return group


def group_url(group: SubGroup) -> str:
    return url_for("subgroups.show", group_id=group.id)


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
        archived = rules.currently_archived()
        if current_user.is_staff:
            archived = archived | (SubGroup.status == "rejected")
        query = query.where(archived).order_by(SubGroup.end_date.desc())
    if current_user.is_guest:
        query = rules.visible_to_guest(query, current_user)
    page = db.paginate(query, per_page=PER_PAGE, error_out=False, count=True)
    groups = page.items
    if current_user.is_guest:
        groups = [group for group in groups if rules.may_view(current_user, group)]
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


def convenor_choices() -> list[tuple[int, str]]:
    users = db.session.execute(
        select(User.id, User.name)
        .where(User.is_active_account.is_(True), User.role != "guest")
        .order_by(User.name)
    ).all()
    return [(user_id, name) for user_id, name in users]


@bp.route("/propose", methods=["GET", "POST"])
@roles(*MEMBERS)
def propose() -> Any:
    form = ProposeForm() if request.method == "POST" else ProposeForm(formdata=request.args or None)
    if current_user.is_staff:
        form.convenors.choices = convenor_choices()
    else:
        del form.convenors
    if form.validate_on_submit():
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
        convenors = (form.convenors.data if staff else None) or [current_user.id]
        for user_id in dict.fromkeys(convenors):
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
    return render_form("subgroups/propose.html", form, similar=similar, checked=checked)


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


OWNER = "subgroups"


@bp.post("/<int:group_id>/documents")
@roles(*EVERYONE)
def upload_document(group_id: int) -> Any:
    group = load_group(group_id)
    target = group_url(group)
    if not rules.may_upload(current_user, group):
        return refuse(
            posting_refusal(group).replace("post here", "add documents"), f"{target}#documents"
        )
    form = DocumentForm()
    if form.validate_on_submit():
        try:
            document = save_upload(
                form.file.data, OWNER, rules.ref(group).kind, group.id, current_user
            )
        except AttachmentError as error:
            form.file.errors.append(str(error))
        else:
            log_activity(
                group, current_user, "document", f"{current_user.name} added “{document.filename}”"
            )
            db.session.commit()
            flash(f"“{document.filename}” was added.", "success")
            return redirect(f"{target}#documents", code=303)
    return render_group(group, form)


@bp.post("/<int:group_id>/documents/<int:attachment_id>/delete")
@roles(*EVERYONE)
def delete_document(group_id: int, attachment_id: int) -> Response:
    group = load_group(group_id)
    document = db.session.get(Attachment, attachment_id)
    if (
        document is None
        or document.owner != OWNER
        or document.object_kind != rules.ref(group).kind
        or document.object_id != group.id
    ):
        abort(404)
    if not rules.may_delete_document(current_user, group, document.uploaded_by_id):
        return refuse(
            "Only the uploader, a convenor or the secretariat can delete this document.",
            f"{group_url(group)}#documents",
        )
    name = document.filename
    delete_attachment(document)
    log_activity(group, current_user, "document", f"{current_user.name} deleted “{name}”")
    db.session.commit()
    flash(f"“{name}” was deleted.", "success")
    return redirect(f"{group_url(group)}#documents", code=303)


@bp.post("/<int:group_id>/join")
@roles(*MEMBERS)
def join(group_id: int) -> Response:
    group = load_group(group_id)
    target = group_url(group)
    if not group.is_writable:
        return refuse(
            f"This sub-group is {group.status_label.lower()}: nobody can join it.", target
        )
    mine = next((m for m in group.memberships if m.user_id == current_user.id), None)
    if mine is not None and mine.state == "active":
        return refuse("You are a member of this sub-group already.", target)
    if mine is not None and mine.state == "invited":
        mine.state, mine.joined_at = "active", utcnow()
        log_activity(group, current_user, "joined", f"{current_user.name} accepted the invitation")
        message = "You accepted the invitation and joined the sub-group."
    elif mine is not None:
        return refuse("Your request to join is waiting for a convenor.", target)
    elif group.join_policy == "open":
        group.memberships.append(
            Membership(user_id=current_user.id, role="member", state="active", joined_at=utcnow())
        )
        log_activity(group, current_user, "joined", f"{current_user.name} joined")
        message = "You joined the sub-group."
    elif group.join_policy == "request":
        group.memberships.append(
            Membership(user_id=current_user.id, role="member", state="requested")
        )
        log_activity(group, current_user, "requested", f"{current_user.name} asked to join")
        message = "Your request was sent to the convenors."
    else:
        return refuse("This sub-group takes new members by invitation only.", target)
    db.session.commit()
    if group.join_policy == "request" and mine is None:
        notices.join_requested(group, current_user)
    flash(message, "success")
    return redirect(target, code=303)


@bp.post("/<int:group_id>/leave")
@roles(*EVERYONE)
def leave(group_id: int) -> Response:
    group = load_group(group_id)
    mine = next((m for m in group.memberships if m.user_id == current_user.id), None)
    if mine is None:
        return refuse("You are not in this sub-group.", group_url(group))
    was = mine.state
    group.memberships.remove(mine)
    summary = {
        "active": f"{current_user.name} left",
        "requested": f"{current_user.name} withdrew the request to join",
        "invited": f"{current_user.name} declined the invitation",
    }[was]
    log_activity(group, current_user, "left", summary)
    db.session.commit()
    flash("Done: you are no longer in this sub-group's list.", "success")
    return redirect(group_url(group), code=303)


@bp.post("/<int:group_id>/requests/<int:membership_id>/<any(approve, decline):decision>")
@roles(*MEMBERS)
def answer_request(group_id: int, membership_id: int, decision: str) -> Response:
    group = load_group(group_id)
    if not rules.may_manage(current_user, group):
        abort(403)
    request_ = next(
        (m for m in group.memberships if m.id == membership_id and m.state == "requested"), None
    )
    if request_ is None:
        abort(404)
    if not group.is_writable:
        return refuse("This sub-group is archived and cannot change.", group_url(group))
    requester = request_.user
    name = requester.name
    if decision == "approve":
        request_.state, request_.joined_at = "active", utcnow()
        log_activity(group, current_user, "joined", f"{current_user.name} accepted {name}")
    else:
        group.memberships.remove(request_)
        log_activity(group, current_user, "declined", f"{current_user.name} declined {name}")
    db.session.commit()
    notices.request_answered(group, requester, decision == "approve", current_user)
    flash(f"Request of {name} {'approved' if decision == 'approve' else 'declined'}.", "success")
    return redirect(group_url(group), code=303)


@bp.route("/<int:group_id>/invite", methods=["GET", "POST"])
@roles(*MEMBERS)
def invite(group_id: int) -> Any:
    group = load_group(group_id)
    if not rules.may_manage(current_user, group):
        abort(403)
    if not group.is_writable:
        return refuse("This sub-group is archived: nobody can be invited.", group_url(group))
    present = {m.user_id for m in group.memberships}
    form = InviteForm()
    form.user_id.choices = [c for c in convenor_choices() if c[0] not in present]
    if form.validate_on_submit():
        invited = db.session.get(User, form.user_id.data)
        group.memberships.append(Membership(user_id=invited.id, role="member", state="invited"))
        log_activity(group, current_user, "invited", f"{current_user.name} invited {invited.name}")
        db.session.commit()
        notices.invited(group, invited, current_user)
        flash(f"{invited.name} was invited.", "success")
        return redirect(group_url(group), code=303)
    return render_form(
        "subgroups/form_page.html",
        form,
        group=group,
        title="Invite a member",
        submit="Invite",
        fields=["user_id"],
    )


@bp.route("/<int:group_id>/extend", methods=["GET", "POST"])
@roles(*MEMBERS)
def extend(group_id: int) -> Any:
    group = load_group(group_id)
    if not rules.may_manage(current_user, group):
        abort(403)
    if group.status not in ("active", "archived"):
        return refuse("Only an active or archived sub-group can be extended.", group_url(group))
    form = ExtendForm(current_end=group.end_date)
    if form.validate_on_submit():
        db.session.add(
            Extension(
                group_id=group.id,
                previous_end=group.end_date,
                new_end=form.new_end.data,
                reason=form.reason.data.strip(),
                by_id=current_user.id,
            )
        )
        group.end_date = form.new_end.data
        if group.end_date >= today():
            group.status = "active"
        log_activity(
            group,
            current_user,
            "extended",
            f"{current_user.name} extended the end date to {group.end_date:%d %b %Y}",
        )
        db.session.commit()
        notices.extended(group, current_user)
        flash("The end date was extended.", "success")
        return redirect(group_url(group), code=303)
    return render_form(
        "subgroups/form_page.html",
        form,
        group=group,
        title="Extend the end date",
        submit="Extend",
        fields=["new_end", "reason"],
    )


@bp.route("/<int:group_id>/threads/new", methods=["GET", "POST"])
@roles(*EVERYONE)
def new_thread(group_id: int) -> Any:
    group = load_group(group_id)
    if not rules.may_post(current_user, group):
        return refuse(posting_refusal(group), group_url(group))
    form = ThreadForm()
    if form.validate_on_submit():
        thread = Thread(group_id=group.id, title=form.title.data.strip(), author_id=current_user.id)
        thread.posts.append(Post(author_id=current_user.id, body=form.body.data))
        db.session.add(thread)
        log_activity(group, current_user, "thread", f"{current_user.name} started “{thread.title}”")
        db.session.commit()
        notices.new_thread(thread, current_user)
        return redirect(url_for("subgroups.thread", thread_id=thread.id), code=303)
    return render_form(
        "subgroups/form_page.html",
        form,
        group=group,
        title="Start a discussion",
        submit="Post",
        fields=["title", "body"],
    )


def posting_refusal(group: SubGroup) -> str:
    if not group.is_writable:
        return f"This sub-group is {group.status_label.lower()} and read-only."
    return "Only members of this sub-group can post here. Join the group first."


def load_thread(thread_id: int) -> Thread:
    thread = db.session.get(Thread, thread_id)
    if thread is None:
        abort(404)
    load_group(thread.group_id)
    return thread


@bp.get("/threads/<int:thread_id>")
@roles(*EVERYONE)
def thread(thread_id: int) -> Any:
    thread = load_thread(thread_id)
    return render_thread(thread, PostForm())


def render_thread(thread: Thread, form: PostForm) -> Any:
    posts = db.session.scalars(
        select(Post)
        .where(Post.thread_id == thread.id)
        .options(joinedload(Post.author))
        .order_by(Post.id)
    ).all()
    return render_form(
        "subgroups/thread.html",
        form,
        thread=thread,
        group=thread.group,
        posts=posts,
        may_post=rules.may_post(current_user, thread.group),
        editable={p.id for p in posts if rules.may_edit_post(current_user, p)},
        deletable={p.id for p in posts if rules.may_delete_post(current_user, p)},
        window=rules.edit_window_minutes(),
    )


@bp.post("/threads/<int:thread_id>/reply")
@roles(*EVERYONE)
def reply(thread_id: int) -> Any:
    thread = load_thread(thread_id)
    target = url_for("subgroups.thread", thread_id=thread.id)
    if not rules.may_post(current_user, thread.group):
        return refuse(posting_refusal(thread.group), target)
    form = PostForm()
    if not form.validate_on_submit():
        return render_thread(thread, form)
    post = Post(thread_id=thread.id, author_id=current_user.id, body=form.body.data)
    db.session.add(post)
    thread.last_post_at = utcnow()
    db.session.commit()
    notices.reply(post, current_user)
    return redirect(f"{target}#post-{post.id}", code=303)


def load_post(post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None:
        abort(404)
    load_thread(post.thread_id)
    return post


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@roles(*EVERYONE)
def edit_post(post_id: int) -> Any:
    post = load_post(post_id)
    target = url_for("subgroups.thread", thread_id=post.thread_id)
    if not rules.may_edit_post(current_user, post):
        return refuse(
            f"A post can be edited only by its author, within {rules.edit_window_minutes()} "
            "minutes, while the sub-group is active.",
            target,
        )
    form = PostForm(obj=post)
    if form.validate_on_submit():
        post.body = form.body.data
        post.edited_at = utcnow()
        db.session.commit()
        return redirect(f"{target}#post-{post.id}", code=303)
    return render_form(
        "subgroups/form_page.html",
        form,
        group=post.thread.group,
        title="Edit your post",
        submit="Save",
        fields=["body"],
    )


@bp.post("/posts/<int:post_id>/delete")
@roles(*EVERYONE)
def delete_post(post_id: int) -> Response:
    post = load_post(post_id)
    target = url_for("subgroups.thread", thread_id=post.thread_id)
    if not rules.may_delete_post(current_user, post):
        return refuse("Only the author, a convenor or the secretariat can delete this.", target)
    post.body = ""
    post.deleted_at = utcnow()
    post.deleted_by_id = current_user.id
    db.session.commit()
    flash("The post was deleted.", "success")
    return redirect(target, code=303)


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
    rows = db.session.execute(
        select(SubGroup, Membership.state, unread)
        .join(Membership, Membership.group_id == SubGroup.id)
        .where(Membership.user_id == current_user.id, rules.currently_active())
        .order_by(SubGroup.name)
    ).all()
    if wants_fragment():
        return render_template("subgroups/_mine.html", rows=rows)
    return render_template(
        "dashboard/widget_page.html", body="subgroups/_mine.html", title="My sub-groups", rows=rows
    )
