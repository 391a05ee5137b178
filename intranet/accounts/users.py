"""Creating and changing accounts: one place for the rules, used by the CLI and the admin UI."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from sqlalchemy import func, select

from intranet import countries
from intranet.accounts import security
from intranet.extensions import db
from intranet.models import ORGANISATION_KINDS, ROLES, Organisation, User
from intranet.platform import mail
from intranet.platform.audit import record
from intranet.platform.plugins import notify_event
from intranet.zones import ZONE_ERROR, country_zone, is_zone

ORGANISATION_ERROR = "“{value}” is not a recorded organisation; the secretariat adds it first"
ACTIVATION_PURPOSE = "activation"
ACTIVATION_MAX_AGE = timedelta(days=7)


class UserError(ValueError):
    """An account could not be created or changed; the message says why, for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise UserError(f"invalid email address {email!r}: {error}", "email") from None


def check_new_user(
    *,
    email: str,
    name: str,
    role: str,
    country_code: str | None = None,
    organisation: str | None = None,
    timezone: str | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Normalise a new account's fields; returns (values, problems by field name).

    `organisation` is a recorded organisation's id or name; `timezone` an IANA zone name,
    by default the zone of the country (`intranet.zones.COUNTRY_ZONES`) when it has one.
    """
    values: dict[str, Any] = {"name": name.strip(), "role": role, "country_code": None}
    problems: dict[str, str] = {}
    try:
        values["email"] = normalise_email(email)
    except UserError as error:
        values["email"] = email.strip()
        problems["email"] = str(error)
    if not values["name"]:
        problems["name"] = "the name must not be empty"
    if role not in ROLES:
        problems["role"] = f"unknown role {role!r} (choose one of {', '.join(ROLES)})"
    typed = (country_code or "").strip()
    values["country_code"] = countries.country_code(typed)
    if typed and values["country_code"] is None:
        problems["country_code"] = countries.COUNTRY_ERROR.format(value=typed)
    elif typed and role == "guest":
        problems["country_code"] = "guests belong to no delegation: leave the country empty"
    values["organisation_id"] = find_organisation(organisation, values["country_code"])
    if (organisation or "").strip() and values["organisation_id"] is None:
        problems["organisation_id"] = ORGANISATION_ERROR.format(value=organisation.strip())
    zone = (timezone or "").strip() or country_zone(values["country_code"])
    if zone and not is_zone(zone):
        problems["timezone"] = f"“{zone}” is not a time zone: {ZONE_ERROR.lower()}"
    elif zone:
        values["timezone"] = zone
    if "email" not in problems and db.session.scalar(
        select(User.id).where(User.email == values["email"])
    ):
        problems["email"] = f"an account with the email {values['email']} exists already"
    return values, problems


def find_organisation(text: str | None, country_code: str | None = None) -> int | None:
    """The id of the recorded organisation `text` names (an id, or a name in any case; of
    several with that name, the one of `country_code`), or None."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit():
        return db.session.scalar(select(Organisation.id).where(Organisation.id == int(text)))
    rows = db.session.execute(
        select(Organisation.id, Organisation.country_code).where(
            func.lower(Organisation.name) == text.casefold()
        )
    ).all()
    same_country = [id_ for id_, code in rows if code == country_code]
    return (same_country or [id_ for id_, _code in rows] or [None])[0]


def organisation_for(name: str, kind: str = "other", country_code: str | None = None) -> int:
    """The id of the recorded organisation called `name`, recorded first when it is new (the
    caller commits): a partner's organisation then shows on everything its guests write."""
    found = find_organisation(name, country_code)
    if found is not None:
        return found
    kind = kind if kind in ORGANISATION_KINDS else "other"
    organisation = Organisation(name=name.strip(), kind=kind, country_code=country_code)
    db.session.add(organisation)
    db.session.flush()
    return organisation.id


def add_user(
    *,
    email: str,
    name: str,
    role: str,
    country_code: str | None = None,
    organisation: str | None = None,
    timezone: str | None = None,
    password: str | None = None,
    actor: User | None = None,
) -> tuple[User, str | None]:
    """Add an account to the session (the caller commits); returns (user, activation token).

    Without a password the account gets a single-use activation token; raises UserError.
    Everyone but an administrator is offered the first sign-in setup (`welcome_pending`).
    """
    values, problems = check_new_user(
        email=email,
        name=name,
        role=role,
        country_code=country_code,
        organisation=organisation,
        timezone=timezone,
    )
    if problems:
        field, message = next(iter(problems.items()))
        raise UserError(message, field)
    email = values["email"]
    if password is not None:
        problem = security.password_problem(password, email=email, name=values["name"])
        if problem:
            raise UserError(f"password not accepted: {problem}", "password")
    user = User(**values, welcome_pending=role != "admin")
    if password is not None:
        user.password_hash = security.hash_password(password)
    db.session.add(user)
    db.session.flush()
    token = None if password else security.issue_token(user, ACTIVATION_PURPOSE, ACTIVATION_MAX_AGE)
    record("user.created", target=f"user:{user.id}", actor=actor, role=role)
    return user, token


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    country_code: str | None = None,
    organisation: str | None = None,
    timezone: str | None = None,
    password: str | None = None,
    actor: User | None = None,
) -> tuple[User, bool]:
    """Create an account; without a password, mail an activation link. Returns (user, mailed).

    Raises UserError when the input is refused. The activation mail is queued in the same
    transaction as the account.
    """
    user, token = add_user(
        email=email,
        name=name,
        role=role,
        country_code=country_code,
        organisation=organisation,
        timezone=timezone,
        password=password,
        actor=actor,
    )
    if token:
        send_activation_mail(user, token)
    db.session.commit()
    notify_event("intranet_user_created", user=user)
    return user, token is not None


def resend_activation(user: User, actor: User | None = None) -> None:
    """Revoke the account's activation links, issue a new one and queue its mail; commits."""
    security.revoke_tokens(user, ACTIVATION_PURPOSE)
    token = security.issue_token(user, ACTIVATION_PURPOSE, ACTIVATION_MAX_AGE)
    record("user.activation_resent", target=f"user:{user.id}", actor=actor)
    send_activation_mail(user, token)
    db.session.commit()


def send_activation_mail(user: User, token: str) -> None:
    """Queue the activation link in the current transaction (the caller commits)."""
    link = mail.external_url("auth.reset_password", token=token)
    site = current_app.config["SITE_NAME"]
    context = {"user": user, "link": link, "site": site, "days": ACTIVATION_MAX_AGE.days}
    mail.send_mail(
        user.email,
        f"{site}: your account is ready",
        render_template("mail/activation.txt", **context),
        render_template("mail/activation.html", **context),
    )


def set_delegation(user: User, country_code: str | None) -> None:
    """Staff's decision (the caller commits); a guest never belongs to a delegation."""
    if user.is_guest and country_code:
        raise ValueError("guests belong to no delegation")
    if user.country_code != country_code:
        record(
            "user.delegation_changed",
            target=f"user:{user.id}",
            old=user.country_code,
            new=country_code,
        )
        user.country_code = country_code
