"""Inviting many partners at once: a pasted list or a CSV file, previewed, then confirmed."""

from __future__ import annotations

import csv
import io

from flask import flash, redirect, request, url_for

from intranet.plugin_api import (
    MEMBERS,
    plural,
    render_form,
    roles,
)

from .. import service, settings
from ..forms import BulkInviteForm
from ..models import KIND_LABELS
from ..service import Invitee
from .blueprints import bp
from .choosing import chosen_resources, grant_picker, searching
from .common import (
    RequestAnswer,
    check_end_date,
    invite_and_mail,
    require_inviter,
    warn_of_deactivated_accounts,
)


def kind_from_text(text: str) -> str:
    wanted = text.strip().lower()
    if not wanted:
        return "other"
    for key, label in KIND_LABELS.items():
        if wanted in (key, label.lower()):
            return key
    return wanted


def parse_rows(text: str) -> list[Invitee]:
    """Rows of `name, email, organisation, kind`; a header row is skipped."""
    invitees = []
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if cells[0].lower() == "name" and len(cells) > 1 and cells[1].lower() == "email":
            continue
        cells += [""] * (4 - len(cells))
        invitee = Invitee(cells[0], cells[1], cells[2], kind_from_text(cells[3]))
        if len(row) > 4:
            invitee.errors["row"] = "Too many columns: use name, email, organisation, kind."
        invitees.append(invitee)
    return invitees


def check_rows(invitees: list[Invitee]) -> list[Invitee]:
    pending = service.pending_invitation_emails(invitee.email for invitee in invitees)
    seen: set[str] = set()
    for invitee in invitees:
        service.check_invitee(invitee, pending)
        if "email" not in invitee.errors and invitee.email in seen:
            invitee.errors["email"] = "This address is in the list twice."
        seen.add(invitee.email)
    return invitees


def read_upload(form: BulkInviteForm) -> None:
    """Put an uploaded CSV file's text in the rows, so that the form keeps it when shown again."""
    upload = form.upload.data
    if upload and getattr(upload, "filename", ""):
        try:
            form.rows.data = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.upload.errors.append("Save the CSV file as UTF-8 and upload it again.")


@bp.route("/bulk", methods=["GET", "POST"])
@roles(*MEMBERS)
def bulk() -> RequestAnswer:
    """Paste a list or upload a CSV, see a preview with each row's problems, then confirm."""
    require_inviter()
    form = BulkInviteForm()
    query = searching()
    invitees: list[Invitee] = []
    if request.method == "GET":
        form.access_ends_on.data = settings.default_access_end()
    if form.is_submitted() and query is not None:
        read_upload(form)
    elif form.is_submitted():
        form.validate()
        read_upload(form)
        invitees = check_rows(parse_rows(form.rows.data or ""))
        if not invitees and not form.upload.errors:
            form.rows.errors.append("Paste at least one line: name, email, organisation, kind.")
        resources, unknown = chosen_resources(form.resources)
        check_end_date(form.access_ends_on)
        valid = [invitee for invitee in invitees if not invitee.errors]
        if request.form.get("step") == "send" and not form.errors and valid:
            for invitee in valid:
                invite_and_mail(invitee, form, resources)
            skipped = len(invitees) - len(valid)
            flash(
                f"{plural(len(valid), 'invitation')} sent"
                + (
                    f"; {plural(skipped, 'row')} with problems "
                    f"{'was' if skipped == 1 else 'were'} skipped"
                    if skipped
                    else ""
                )
                + ".",
                "success",
            )
            warn_of_deactivated_accounts([invitee.email for invitee in valid])
            return redirect(url_for("partners.index"), code=303)
        if form.errors or unknown:
            service.refuse(
                "partners.invitation.refused",
                target="bulk",
                problems=sorted(str(name) for name in form.errors),
                forbidden_resources=unknown,
            )
    return render_form(
        "partners/bulk.html",
        form,
        picker=grant_picker(form.resources.data or [], query),
        invitees=invitees,
        valid_count=sum(1 for invitee in invitees if not invitee.errors),
    )
