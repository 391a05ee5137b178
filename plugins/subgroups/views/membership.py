"""Membership of a sub-group: joining, leaving, requests, invitations and the end date."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, flash, redirect
from flask_login import current_user
from werkzeug.wrappers import Response

from intranet.plugin_api import (
    EVERYONE,
    MEMBERS,
    TooLateToUndo,
    Undone,
    User,
    confirmation,
    db,
    find_people,
    offer_undo,
    people_named,
    picker_query,
    render_form,
    roles,
    undoable,
    utcnow,
)

from .. import notices, rules
from ..forms import ExtendForm, InviteForm, MailingListForm
from ..models import Extension, Membership, SubGroup, log_activity, today
from ..services import announce_members
from . import bp
from .common import group_url, load_group, refuse


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
    else:
        announce_members(group, added=[current_user._get_current_object()])
    flash(message, "success")
    return redirect(target, code=303)


@bp.post("/<int:group_id>/leave")
@roles(*EVERYONE)
def leave(group_id: int) -> Response | str:
    group = load_group(group_id)
    mine = next((m for m in group.memberships if m.user_id == current_user.id), None)
    if mine is None:
        return refuse("You are not in this sub-group.", group_url(group))
    if current_user.is_guest:
        return refuse(
            "You take part as a guest: ask the secretariat to end your access.", group_url(group)
        )
    asked = confirmation(
        f"Leave the sub-group “{group.name}”?",
        action="Leave the sub-group",
        back=group_url(group),
        detail="You no longer see its discussion unless you join again.",
    )
    if asked:
        return asked
    was = mine.state
    group.memberships.remove(mine)
    summary = {
        "active": f"{current_user.name} left",
        "requested": f"{current_user.name} withdrew the request to join",
        "invited": f"{current_user.name} declined the invitation",
    }[was]
    log_activity(group, current_user, "left", summary)
    kept = {"group_id": group.id, "role": mine.role, "state": was}
    kept["joined_at"] = mine.joined_at.isoformat() if mine.joined_at else None
    offer_undo(LEFT, kept, "Done: you are no longer in this sub-group's list.")
    db.session.commit()
    if was == "active":
        announce_members(group, removed=[current_user._get_current_object()])
    return redirect(group_url(group), code=303)


LEFT = "subgroups.left"


@undoable(LEFT)
def rejoin(kept: dict[str, Any]) -> Undone:
    group = load_group(kept["group_id"])
    if not group.is_writable or any(m.user_id == current_user.id for m in group.memberships):
        raise TooLateToUndo("You can no longer go back into this sub-group this way.")
    joined_at = datetime.fromisoformat(kept["joined_at"]) if kept["joined_at"] else None
    group.memberships.append(
        Membership(
            user_id=current_user.id, role=kept["role"], state=kept["state"], joined_at=joined_at
        )
    )
    log_activity(group, current_user, "joined", f"{current_user.name} came back")
    if kept["state"] == "active":  # invited again to the meetings the sub-group is invited to
        db.session.flush()
        announce_members(group, added=[current_user._get_current_object()])
    return Undone("You are back in the sub-group.", group_url(group))


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
    if decision == "approve":
        announce_members(group, added=[requester])
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
    form = InviteForm()
    query = picker_query("user_id")
    invited = None
    if query is None and form.validate_on_submit():
        invited = invitable(group, form.user_id.data)
        if invited is None:
            form.user_id.errors = ["Choose a member who is not in the sub-group yet."]
    if invited is not None:
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
        pickers={
            "user_id": {
                "chosen": people_named([form.user_id.data or ""]),
                "found": None if query is None else find_people(query, current_user),
                "query": query or "",
            }
        },
    )


def invitable(group: SubGroup, user_id: str) -> User | None:
    """The member `user_id` names, if active, no guest and not in `group` yet."""
    chosen = people_named([user_id])
    invited = db.session.get(User, chosen[0][0]) if chosen else None
    present = {m.user_id for m in group.memberships}
    if invited is None or invited.is_guest or invited.id in present:
        return None
    return invited


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


@bp.post("/<int:group_id>/mailing-list")
@roles(*MEMBERS)
def mailing_list(group_id: int) -> Response:
    """The convenors choose whether every new post is mailed in full to the members."""
    group = load_group(group_id)
    if not rules.may_manage(current_user, group):
        abort(403)
    form = MailingListForm()
    if form.validate_on_submit() and group.mail_every_post != form.every_post.data:
        group.mail_every_post = form.every_post.data
        state = "now sends" if group.mail_every_post else "no longer sends"
        log_activity(group, current_user, "mailing_list", f"The group {state} every post by mail")
        db.session.commit()
        flash(f"The sub-group {state} every new post to its members by mail.", "success")
    return redirect(group_url(group), code=303)
