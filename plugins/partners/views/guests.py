"""A guest's page: renewing access, adding and removing grants, what the guest can see."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as WerkzeugResponse

from intranet.plugin_api import (
    MEMBERS,
    GrantableResource,
    ResourceRef,
    User,
    can_many,
    db,
    declared_access,
    disabled_plugins,
    grantable_resources,
    record_audit,
    roles,
)

from .. import notices, rules, service
from ..forms import AddGrantsForm, RenewForm
from ..models import Grant, Guest, Invitation
from .blueprints import bp
from .common import (
    RequestAnswer,
    check_end_date,
    chosen_resources,
    managed_guest,
    resource_choices,
)


def reachable_people(guest: User) -> list[User]:
    """The guest's co-workers whose profile the guest may open, asked as the directory asks,
    for all of them at once."""
    people = rules.co_workers(guest)
    allowed = can_many(guest, "directory.view_member", "user", [person.id for person in people])
    return [person for person in people if person.id in allowed]


# Asked once (the first sign-in setup) or not a page at all (a member's photo).
NOT_PAGES = frozenset({"welcome.setup", "photos.photo"})


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
        if rule.endpoint.rpartition(".")[0] in disabled or rule.endpoint in NOT_PAGES:
            continue
        for member_id in member_ids if parameters else [None]:
            values = {**(rule.defaults or {}), **({"member_id": member_id} if parameters else {})}
            pages.append((rule.endpoint, url_for(rule.endpoint, **values)))
    return sorted(pages, key=lambda page: page[1])


def reachable_resources(guest: User, viewer: User) -> list[GrantableResource]:
    """Every resource known to the guest's grants or offered to the viewer that `can()` lets the
    guest view: the same check the owning plugin's views make."""
    candidates: dict[ResourceRef, GrantableResource] = {}
    for grant in rules.grants_of(guest.id):
        candidates[grant.ref] = GrantableResource(grant.ref, grant.label, grant.url)
    for item in grantable_resources(viewer):
        candidates.setdefault(item.ref, item)
    by_kind: dict[str, list[int]] = {}
    for ref in candidates:
        by_kind.setdefault(ref.kind, []).append(ref.id)
    allowed = {
        ResourceRef(kind, id_)
        for kind, ids in by_kind.items()
        for id_ in can_many(guest, f"{kind.partition('.')[0]}.view", kind, ids)
    }
    return [item for item in candidates.values() if item.ref in allowed]


@bp.get("/guests/<int:guest_id>")
@roles(*MEMBERS)
def guest(guest_id: int) -> str:
    guest = managed_guest(guest_id)
    return render_guest_page(guest, RenewForm(access_ends_on=guest.access_ends_on), None)


def render_guest_page(
    guest: Guest, renew_form: RenewForm, grants_form: AddGrantsForm | None
) -> str:
    granted = {grant.ref for grant in guest.grants}
    offer = [item for item in rules.inviter_grantables(current_user) if item.ref not in granted]
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
    notices.announce_renewal(guest)
    flash(f"Access of {guest.user.name} now ends on {guest.access_ends_on}.", "success")
    return redirect(url_for("partners.guest", guest_id=guest_id), code=303)


@bp.post("/guests/<int:guest_id>/grants")
@roles(*MEMBERS)
def add_grants(guest_id: int) -> RequestAnswer:
    guest = managed_guest(guest_id)
    grantables = rules.inviter_grantables(current_user)
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
    notices.announce_new_grants(guest.user, added)
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
    allowed = rules.active_grants(current_user)
    grants = [grant for grant in rules.grants_of(current_user.id) if grant.ref in allowed]
    return render_template(
        "partners/me.html", guest=guest, grants=grants, people=rules.co_workers(current_user)
    )
