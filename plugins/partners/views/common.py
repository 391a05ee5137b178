"""Helpers the partners pages share: who may use them, the guest or invitation, the end date."""

from __future__ import annotations

from typing import Any

from flask import abort, flash
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as WerkzeugResponse

from intranet.plugin_api import (
    GrantableResource,
    db,
)

from .. import rules, service
from ..models import Guest, Invitation
from ..service import Invitee

PAGE_SIZE = 25  # guests, invitations or organisations a page lists, as the directory does
RequestAnswer = str | tuple[str, int] | WerkzeugResponse


def require_inviter() -> None:
    if not rules.may_invite(current_user):
        abort(403)


def check_end_date(field: Any) -> None:
    problem = service.access_end_problem(field.data)
    if problem and not field.errors:
        field.errors.append(problem)


def managed_guest(guest_id: int) -> Guest:
    """A guest the current user may manage: staff manage all, a sponsor their own."""
    guest = db.session.scalar(
        select(Guest)
        .where(Guest.user_id == guest_id)
        .options(selectinload(Guest.user), selectinload(Guest.sponsor))
    )
    if guest is None:
        abort(404)
    if not rules.manages(current_user, guest.sponsor_id):
        abort(403)
    return guest


def managed_invitation(invitation_id: int) -> Invitation:
    invitation = db.get_or_404(Invitation, invitation_id)
    if not rules.manages(current_user, invitation.sponsor_id):
        abort(403)
    return invitation


def invite_and_mail(invitee: Invitee, form: Any, resources: list[GrantableResource]) -> Invitation:
    """Store one invitation from a checked form and queue its mail, in one transaction."""
    invitation, token = service.create_invitation(
        invitee,
        sponsor=current_user,
        message=form.message.data or "",
        resources=resources,
        access_ends_on=form.access_ends_on.data,
    )
    service.send_invitation_mail(invitation, token)
    db.session.commit()
    return invitation


def warn_of_deactivated_accounts(emails: list[str]) -> None:
    """Tell the inviter at once when an invitation went to an account it cannot reopen."""
    for email in service.deactivated_accounts(emails):
        flash(
            f"The account of {email} is deactivated: the invitation cannot be accepted until the "
            "secretariat decides to reactivate it (by renewing the guest's access).",
            "warning",
        )
