"""Pages of the partners plugin: inviting, tracking, guest access, the partners overview."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, logout_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as WerkzeugResponse

from intranet.plugin_api import (
    EVERYONE,
    MEMBERS,
    Form,
    GrantableResource,
    MailError,
    ResourceRef,
    User,
    can,
    collect,
    db,
    declared_access,
    disabled_plugins,
    external_url,
    hash_password,
    notify_event,
    password_problem,
    public,
    record_audit,
    roles,
    send_mail,
    spreadsheet_cell,
    start_session,
    utcnow,
)

from . import service
from .forms import AcceptForm, AddGrantsForm, BulkInviteForm, InviteForm, RenewForm
from .models import KIND_LABELS, Grant, Guest, Invitation
from .service import Invitee

bp = Blueprint("partners", __name__, url_prefix="/partners", template_folder="templates")
invite_bp = Blueprint("partners_invite", __name__, template_folder="templates")

PAGE_SIZE = 50
RequestAnswer = str | tuple[str, int] | WerkzeugResponse


def render_form(template: str, form: Any, **context: Any) -> tuple[str, int] | str:
    html = render_template(template, form=form, **context)
    return (html, 422) if request.method == "POST" and form.errors else html


def wants_fragment() -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


@bp.app_template_filter("partners_local")
def local_time(moment: datetime | None) -> str:
    """A UTC time in the viewer's time zone, e.g. 2026-03-04 14:05."""
    if moment is None:
        return ""
    zone = "UTC"
    if current_user.is_authenticated and current_user.timezone:
        zone = current_user.timezone
    try:
        local = moment.astimezone(ZoneInfo(zone))
    except (KeyError, ValueError):
        local = moment
    return local.strftime("%Y-%m-%d %H:%M")


@bp.before_app_request
def end_expired_guest_session() -> WerkzeugResponse | None:
    """The lazy half of expiry: a guest past their end date is signed out on their next request.

    Runs whether or not the plugin is enabled, because it only ever takes access away.
    """
    if not current_user.is_authenticated or not current_user.is_guest:
        return None
    guest = db.session.get(Guest, current_user.id)
    if guest is None or guest.access_ends_on >= service.today():
        return None
    user = current_user._get_current_object()
    if guest.ended_at is None:
        service.end_access(guest, reason="signed in after the access end date")
        db.session.commit()
        notify_event("intranet_user_deactivated", user=user)
        service.announce_access_ended([guest])
    logout_user()
    flash(
        f"Your guest access ended on {guest.access_ends_on}. Ask your sponsor to renew it.", "info"
    )
    return redirect(url_for("auth.login"))


# --- helpers -----------------------------------------------------------------------------------


def require_inviter() -> None:
    if not service.may_invite(current_user):
        abort(403)


def sees_everything() -> bool:
    return current_user.is_staff


def own_scope(query: Any, sponsor_column: Any) -> Any:
    return query if sees_everything() else query.where(sponsor_column == current_user.id)


def resource_choices(grantables: list[GrantableResource]) -> list[tuple[str, str]]:
    return [(service.resource_key(item.ref), item.label) for item in grantables]


def chosen_resources(
    field: Any, grantables: list[GrantableResource], *, required: bool = True
) -> tuple[list[GrantableResource], list[str]]:
    """The grantable resources ticked in `field`; unknown values are refused, not ignored."""
    by_key = {service.resource_key(item.ref): item for item in grantables}
    chosen = [value for value in (field.data or []) if value]
    unknown = [value for value in chosen if value not in by_key]
    if unknown:
        field.errors.append(
            "You can only grant access to what you can see yourself; reload the page and choose "
            "from the list."
        )
    elif required and not chosen:
        field.errors.append("Choose at least one thing to give access to.")
    return [by_key[value] for value in chosen if value in by_key], unknown


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
    if not (sees_everything() or guest.sponsor_id == current_user.id):
        abort(403)
    return guest


def managed_invitation(invitation_id: int) -> Invitation:
    invitation = db.get_or_404(Invitation, invitation_id)
    if not (sees_everything() or invitation.sponsor_id == current_user.id):
        abort(403)
    return invitation


def invite_and_mail(
    invitee: Invitee, form: Any, resources: list[GrantableResource]
) -> tuple[Invitation, bool]:
    """Store one invitation from a checked form, then mail it; True when the mail went out."""
    invitation, token = service.create_invitation(
        invitee,
        sponsor=current_user,
        message=form.message.data or "",
        resources=resources,
        access_ends_on=form.access_ends_on.data,
    )
    db.session.commit()
    return invitation, service.send_invitation_mail(invitation, token)


def mail_failed_notice(email: str) -> None:
    flash(
        f"The invitation is saved, but the mail to {email} could not be sent. Resend it later.",
        "warning",
    )


# --- tracking ----------------------------------------------------------------------------------


@bp.get("/")
@roles(*MEMBERS)
def index() -> str:
    require_inviter()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    invitations_query = own_scope(select(Invitation), Invitation.sponsor_id)
    total = db.session.scalar(select(func.count()).select_from(invitations_query.subquery()))
    invitations = db.session.scalars(
        invitations_query.options(
            selectinload(Invitation.sponsor), selectinload(Invitation.resources)
        )
        .order_by(Invitation.sent_at.desc(), Invitation.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    guests = db.session.scalars(
        own_scope(select(Guest), Guest.sponsor_id)
        .join(User, User.id == Guest.user_id)
        .options(selectinload(Guest.user), selectinload(Guest.sponsor), selectinload(Guest.grants))
        .order_by(Guest.ended_at.is_not(None), Guest.access_ends_on, User.name)
    ).all()
    return render_template(
        "partners/index.html",
        invitations=invitations,
        guests=guests,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        today=service.today(),
    )


@bp.route("/invite", methods=["GET", "POST"])
@roles(*MEMBERS)
def invite() -> RequestAnswer:
    require_inviter()
    grantables = service.inviter_grantables(current_user)
    form = InviteForm()
    form.resources.choices = resource_choices(grantables)
    if request.method == "GET":
        form.access_ends_on.data = service.default_access_end()
    if form.is_submitted():
        form.validate()
        invitee = service.check_invitee(
            Invitee(
                form.name.data or "",
                form.email.data or "",
                form.organisation.data or "",
                form.organisation_kind.data or "",
            ),
            service.pending_invitation_emails([form.email.data or ""]),
        )
        for name, problem in invitee.errors.items():
            if not getattr(form, name).errors:
                getattr(form, name).errors.append(problem)
        resources, unknown = chosen_resources(form.resources, grantables)
        check_end_date(form.access_ends_on)
        if not form.errors:
            invitation, mailed = invite_and_mail(invitee, form, resources)
            if mailed:
                flash(f"Invitation sent to {invitation.name} <{invitation.email}>.", "success")
            else:
                mail_failed_notice(invitation.email)
            return redirect(url_for("partners.index"), code=303)
        service.refuse(
            "partners.invitation.refused",
            target=(form.email.data or "")[:200],
            problems=sorted(str(name) for name in form.errors),
            forbidden_resources=unknown,
        )
    return render_form("partners/invite.html", form, grantables=grantables)


@bp.post("/invitations/<int:invitation_id>/resend")
@roles(*MEMBERS)
def resend(invitation_id: int) -> WerkzeugResponse:
    require_inviter()
    invitation = managed_invitation(invitation_id)
    if invitation.accepted_at is not None:
        flash("This invitation was accepted already; there is nothing to resend.", "info")
        return redirect(url_for("partners.index"), code=303)
    token = service.resend(invitation, current_user)
    db.session.commit()
    if service.send_invitation_mail(invitation, token):
        flash(f"A new link was sent to {invitation.email}; the old one no longer works.", "success")
    else:
        mail_failed_notice(invitation.email)
    return redirect(url_for("partners.index"), code=303)


@bp.post("/invitations/<int:invitation_id>/revoke")
@roles(*MEMBERS)
def revoke(invitation_id: int) -> WerkzeugResponse:
    require_inviter()
    invitation = managed_invitation(invitation_id)
    if invitation.state != "pending":
        flash(f"This invitation is {invitation.state}; only pending ones can be revoked.", "info")
    else:
        service.revoke(invitation, current_user)
        db.session.commit()
        flash(
            f"The invitation to {invitation.email} is revoked; its link no longer works.", "success"
        )
    return redirect(url_for("partners.index"), code=303)


# --- bulk invitations --------------------------------------------------------------------------


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


@bp.route("/bulk", methods=["GET", "POST"])
@roles(*MEMBERS)
def bulk() -> RequestAnswer:
    """Paste a list or upload a CSV, see a preview with each row's problems, then confirm."""
    require_inviter()
    grantables = service.inviter_grantables(current_user)
    form = BulkInviteForm()
    form.resources.choices = resource_choices(grantables)
    invitees: list[Invitee] = []
    if request.method == "GET":
        form.access_ends_on.data = service.default_access_end()
    if form.is_submitted():
        form.validate()
        upload = form.upload.data
        if upload and getattr(upload, "filename", ""):
            raw = upload.read()
            try:
                form.rows.data = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                form.upload.errors.append("Save the CSV file as UTF-8 and upload it again.")
        invitees = check_rows(parse_rows(form.rows.data or ""))
        if not invitees and not form.upload.errors:
            form.rows.errors.append("Paste at least one line: name, email, organisation, kind.")
        resources, unknown = chosen_resources(form.resources, grantables)
        check_end_date(form.access_ends_on)
        valid = [invitee for invitee in invitees if not invitee.errors]
        if request.form.get("step") == "send" and not form.errors and valid:
            sent = failed = 0
            for invitee in valid:
                if invite_and_mail(invitee, form, resources)[1]:
                    sent += 1
                else:
                    failed += 1
            skipped = len(invitees) - len(valid)
            flash(
                f"{sent} invitation(s) sent"
                + (f", {failed} saved but not mailed (resend them)" if failed else "")
                + (f"; {skipped} row(s) with problems were skipped" if skipped else "")
                + ".",
                "success",
            )
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
        grantables=grantables,
        invitees=invitees,
        valid_count=sum(1 for invitee in invitees if not invitee.errors),
    )


# --- accepting an invitation -------------------------------------------------------------------


def unusable_page(invitation: Invitation, token: str, reason: str) -> tuple[str, int]:
    return render_template(
        "partners/invite_unusable.html", invitation=invitation, token=token, reason=reason
    ), 410


@invite_bp.route("/invite/<token>", methods=["GET", "POST"])
@public
def accept(token: str) -> RequestAnswer:
    invitation = service.find_invitation(token)
    if invitation is None:
        service.refuse("partners.invitation.bad_link", target="invite", method=request.method)
        return render_template("partners/invite_invalid.html"), 404
    state = invitation.state
    if state != "pending":
        service.refuse(
            "partners.invitation.unusable_link",
            target=f"invitation:{invitation.id}",
            state=state,
            method=request.method,
        )
        return unusable_page(invitation, token, state)
    existing = db.session.scalar(select(User).where(User.email == invitation.email))
    if existing is not None and not existing.is_guest:
        service.refuse(
            "partners.invitation.refused",
            target=f"invitation:{invitation.id}",
            problems=["member account"],
        )
        return unusable_page(invitation, token, "member")
    form = AcceptForm() if existing is None else Form()
    if form.validate_on_submit():
        problem = None
        if existing is None:
            problem = password_problem(
                form.password.data, email=invitation.email, name=invitation.name
            )
            if problem:
                form.password.errors.append(problem)
        if problem is None:
            if not service.claim(invitation):
                service.refuse(
                    "partners.invitation.unusable_link", target=f"invitation:{invitation.id}"
                )
                return unusable_page(invitation, token, "accepted")
            password = hash_password(form.password.data) if existing is None else None
            user, created = service.accept(invitation, password)
            db.session.commit()
            if created:
                notify_event("intranet_user_created", user=user)
            service.announce_grants(user)
            service.announce_acceptance(invitation, user)
            start_session(user)
            flash(f"Welcome, {user.name}. Below is what you have access to.", "success")
            return redirect(url_for("partners.me"), code=303)
    if form.is_submitted():
        service.refuse(
            "partners.invitation.refused",
            target=f"invitation:{invitation.id}",
            problems=sorted(str(name) for name in form.errors),
        )
    return render_form(
        "partners/accept.html", form, invitation=invitation, existing=existing, token=token
    )


@invite_bp.post("/invite/<token>/ask")
@public
def ask_for_new_link(token: str) -> RequestAnswer:
    """From a dead link: tell the sponsor (or the secretariat) that the person wants a new one."""
    invitation = service.find_invitation(token)
    if invitation is None:
        service.refuse("partners.invitation.bad_link", target="invite", method="ask")
        return render_template("partners/invite_invalid.html"), 404
    if invitation.state == "pending":
        return redirect(url_for("partners_invite.accept", token=token), code=303)
    recently = invitation.new_link_requested_at and (
        utcnow() - invitation.new_link_requested_at < timedelta(days=1)
    )
    if not recently:
        recipients = (
            [invitation.sponsor]
            if invitation.sponsor and invitation.sponsor.is_active
            else service.secretariat()
        )
        text = render_template(
            "partners/mail/new_link_requested.txt",
            invitation=invitation,
            link=external_url("partners.index"),
        )
        for person in recipients:
            try:
                send_mail(person.email, f"{invitation.name} asks for a new invitation link", text)
            except MailError:
                continue
        invitation.new_link_requested_at = utcnow()
        record_audit("partners.invitation.new_link_requested", target=f"invitation:{invitation.id}")
        db.session.commit()
    return render_template("partners/invite_asked.html", invitation=invitation)


# --- guests ------------------------------------------------------------------------------------


def reachable_people(guest: User) -> list[User]:
    """The guest's co-workers whose profile `can()` lets the guest open, as the directory asks."""
    return [
        person
        for person in service.co_workers(guest)
        if can(guest, "directory.view_member", ResourceRef("user", person.id))
    ]


def reachable_pages(guest: User, people: list[User]) -> list[tuple[str, str]]:
    """Pages whose declared access admits guests, in enabled plugins: those without parameters,
    and the pages about a member (the profile, its vCard) for the guest and `people`."""
    disabled = disabled_plugins()
    member_ids = [guest.id, *(person.id for person in people)]
    pages = []
    for rule in current_app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        parameters = rule.arguments - set(rule.defaults or {})
        if parameters and parameters != {"member_id"}:
            continue
        access = declared_access(rule.endpoint)
        if access is None or access.anonymous or "guest" not in access.roles:
            continue
        if rule.endpoint.rpartition(".")[0] in disabled:
            continue
        for member_id in member_ids if parameters else [None]:
            values = {**(rule.defaults or {}), **({"member_id": member_id} if parameters else {})}
            pages.append((rule.endpoint, url_for(rule.endpoint, **values)))
    return sorted(pages, key=lambda page: page[1])


def reachable_resources(guest: User, viewer: User) -> list[GrantableResource]:
    """Every resource known to the guest's grants or offered to the viewer that `can()` lets the
    guest view: the same check the owning plugin's views make."""
    candidates: dict[ResourceRef, GrantableResource] = {}
    for grant in service.grants_of(guest.id):
        candidates[grant.ref] = GrantableResource(grant.ref, grant.label, grant.url)
    for item in collect("intranet_grantable_resources", user=viewer):
        candidates.setdefault(item.ref, item)
    return [
        item
        for item in candidates.values()
        if can(guest, f"{item.ref.kind.partition('.')[0]}.view", item.ref)
    ]


@bp.get("/guests/<int:guest_id>")
@roles(*MEMBERS)
def guest(guest_id: int) -> str:
    guest = managed_guest(guest_id)
    return render_guest_page(guest, RenewForm(access_ends_on=guest.access_ends_on), None)


def render_guest_page(
    guest: Guest, renew_form: RenewForm, grants_form: AddGrantsForm | None
) -> str:
    granted = {grant.ref for grant in guest.grants}
    offer = [item for item in service.inviter_grantables(current_user) if item.ref not in granted]
    grants_form = grants_form or AddGrantsForm()
    grants_form.resources.choices = resource_choices(offer)
    invitations = db.session.scalars(
        select(Invitation)
        .where(or_(Invitation.guest_id == guest.user_id, Invitation.email == guest.user.email))
        .options(selectinload(Invitation.sponsor))
        .order_by(Invitation.sent_at.desc())
    ).all()
    return render_template(
        "partners/guest.html",
        guest=guest,
        renew_form=renew_form,
        grants_form=grants_form,
        invitations=invitations,
    )


@bp.post("/guests/<int:guest_id>/renew")
@roles(*MEMBERS)
def renew(guest_id: int) -> RequestAnswer:
    guest = managed_guest(guest_id)
    form = RenewForm()
    if form.validate_on_submit():
        check_end_date(form.access_ends_on)
    if form.errors:
        service.refuse("partners.guest.renew_refused", target=f"user:{guest.user_id}")
        guest = managed_guest(guest_id)
        return render_guest_page(guest, form, None), 422
    service.renew(guest, form.access_ends_on.data, current_user)
    if guest.ended_at is not None:
        guest.ended_at = None
        guest.user.is_active_account = True
        guest.user.deactivated_at = None
        record_audit("partners.guest.reactivated", target=f"user:{guest.user_id}")
    db.session.commit()
    service.announce_renewal(guest)
    flash(f"Access of {guest.user.name} now ends on {guest.access_ends_on}.", "success")
    return redirect(url_for("partners.guest", guest_id=guest_id), code=303)


@bp.post("/guests/<int:guest_id>/grants")
@roles(*MEMBERS)
def add_grants(guest_id: int) -> RequestAnswer:
    guest = managed_guest(guest_id)
    grantables = service.inviter_grantables(current_user)
    form = AddGrantsForm()
    form.resources.choices = resource_choices(grantables)
    form.validate_on_submit()
    resources, unknown = chosen_resources(form.resources, grantables)
    if form.errors:
        service.refuse(
            "partners.grants.refused", target=f"user:{guest.user_id}", forbidden_resources=unknown
        )
        guest = managed_guest(guest_id)
        return render_guest_page(guest, RenewForm(access_ends_on=guest.access_ends_on), form), 422
    added = service.add_grants(guest.user, resources, granted_by_id=current_user.id)
    db.session.commit()
    service.announce_grants(guest.user)
    service.announce_new_grants(guest.user, added)
    flash("Access added.", "success")
    return redirect(url_for("partners.guest", guest_id=guest_id), code=303)


@bp.post("/guests/<int:guest_id>/grants/<int:grant_id>/remove")
@roles(*MEMBERS)
def remove_grant(guest_id: int, grant_id: int) -> WerkzeugResponse:
    guest = managed_guest(guest_id)
    grant = db.session.get(Grant, grant_id)
    if grant is None or grant.guest_id != guest.user_id:
        abort(404)
    label = grant.label
    service.remove_grant(grant)
    db.session.commit()
    service.announce_grants(guest.user)
    flash(f"Access to “{label}” removed.", "success")
    return redirect(url_for("partners.guest", guest_id=guest_id), code=303)


@bp.get("/guests/<int:guest_id>/access")
@roles(*MEMBERS)
def guest_access(guest_id: int) -> str:
    """What this guest can see, computed by asking `can()` as the guest, as the views do."""
    guest = managed_guest(guest_id)
    active = guest.user.is_active and guest.ended_at is None
    people = reachable_people(guest.user) if active else []
    return render_template(
        "partners/guest_access.html",
        guest=guest,
        active=active,
        resources=reachable_resources(guest.user, current_user) if active else [],
        people=people,
        pages=reachable_pages(guest.user, people) if active else [],
    )


@bp.get("/me")
@roles("guest")
def me() -> str:
    guest = db.session.get(Guest, current_user.id)
    allowed = service.active_grants(current_user)
    grants = [grant for grant in service.grants_of(current_user.id) if grant.ref in allowed]
    return render_template(
        "partners/me.html", guest=guest, grants=grants, people=service.co_workers(current_user)
    )


# --- overview ----------------------------------------------------------------------------------


def organisations() -> list[dict[str, Any]]:
    guests = db.session.scalars(
        select(Guest)
        .join(User, User.id == Guest.user_id)
        .options(selectinload(Guest.user), selectinload(Guest.sponsor), selectinload(Guest.grants))
        .order_by(Guest.organisation, User.name)
    ).all()
    pending = db.session.execute(
        select(Invitation.organisation, Invitation.organisation_kind, func.count())
        .where(
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .group_by(Invitation.organisation, Invitation.organisation_kind)
    ).all()
    grouped: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"guests": [], "pending": 0, "engaged_in": set()}
    )
    for guest in guests:
        entry = grouped[(guest.organisation, guest.organisation_kind)]
        entry["guests"].append(guest)
        if guest.ended_at is None:
            entry["engaged_in"].update(grant.label for grant in guest.grants)
    for organisation, kind, count in pending:
        grouped[(organisation, kind)]["pending"] += count
    return [
        {
            "name": organisation,
            "kind": KIND_LABELS.get(kind, kind),
            "guests": entry["guests"],
            "pending": entry["pending"],
            "engaged_in": sorted(entry["engaged_in"]),
        }
        for (organisation, kind), entry in sorted(grouped.items(), key=lambda i: i[0][0].lower())
    ]


@bp.get("/organisations")
@roles(*MEMBERS)
def overview() -> str:
    require_inviter()
    return render_template("partners/organisations.html", organisations=organisations())


@bp.get("/organisations.csv")
@roles(*MEMBERS)
def overview_csv() -> Response:
    require_inviter()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["Organisation", "Kind", "Guest", "Email", "Sponsor", "Access ends", "Status", "Engaged in"]
    )
    for organisation in organisations():
        for guest in organisation["guests"]:
            row = [
                organisation["name"],
                organisation["kind"],
                guest.user.name,
                guest.user.email,
                guest.sponsor.name if guest.sponsor else "",
                guest.access_ends_on.isoformat(),
                "ended" if guest.ended_at else "active",
                "; ".join(grant.label for grant in guest.grants),
            ]
            writer.writerow([spreadsheet_cell(cell) for cell in row])
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="partners.csv"'},
    )


# --- dashboard ---------------------------------------------------------------------------------


@bp.get("/widget")
@roles(*EVERYONE)
def widget() -> str:
    context: dict[str, Any] = {"guest_grants": [], "pending": [], "expiring": []}
    if current_user.is_guest:
        allowed = service.active_grants(current_user)
        context["guest_grants"] = [
            grant for grant in service.grants_of(current_user.id) if grant.ref in allowed
        ]
    elif service.may_invite(current_user):
        soon = service.today() + timedelta(days=30)
        context["pending"] = db.session.scalars(
            own_scope(select(Invitation), Invitation.sponsor_id)
            .where(
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.expires_at)
            .limit(10)
        ).all()
        context["expiring"] = db.session.scalars(
            own_scope(select(Guest), Guest.sponsor_id)
            .where(Guest.ended_at.is_(None), Guest.access_ends_on <= soon)
            .options(selectinload(Guest.user))
            .order_by(Guest.access_ends_on)
            .limit(10)
        ).all()
    if wants_fragment():
        return render_template("partners/_widget.html", **context)
    return render_template(
        "dashboard/widget_page.html", body="partners/_widget.html", title="Partners", **context
    )
