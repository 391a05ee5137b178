"""Creating and changing accounts: one place for the rules, used by the CLI and the admin UI."""

from __future__ import annotations

import re
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from sqlalchemy import select

from intranet import mail, security
from intranet.audit import record
from intranet.extensions import db
from intranet.models import ROLES, User
from intranet.plugins import notify_event

ACTIVATION_PURPOSE = "activation"
ACTIVATION_MAX_AGE = timedelta(days=7)
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


class UserError(ValueError):
    """An account could not be created or changed; the message says why, for the user."""


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise UserError(f"invalid email address {email!r}: {error}") from None


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    country_code: str | None = None,
    password: str | None = None,
    actor: User | None = None,
) -> tuple[User, bool]:
    """Create an account; without a password, mail an activation link. Returns (user, mailed)."""
    email = normalise_email(email)
    name = name.strip()
    if not name:
        raise UserError("the name must not be empty")
    if role not in ROLES:
        raise UserError(f"unknown role {role!r} (choose one of {', '.join(ROLES)})")
    if country_code is not None:
        country_code = country_code.strip().upper()
        if not COUNTRY_CODE.match(country_code):
            raise UserError(f"invalid country code {country_code!r} (two letters, e.g. SE)")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise UserError(f"an account with the email {email} exists already")
    if password is not None:
        problem = security.password_problem(password, email=email, name=name)
        if problem:
            raise UserError(f"password not accepted: {problem}")
    user = User(email=email, name=name, role=role, country_code=country_code or None)
    if password is not None:
        user.password_hash = security.hash_password(password)
    db.session.add(user)
    db.session.flush()
    token = None if password else security.issue_token(user, ACTIVATION_PURPOSE, ACTIVATION_MAX_AGE)
    record("user.created", target=f"user:{user.id}", actor=actor, role=role)
    db.session.commit()
    notify_event("intranet_user_created", user=user)
    if token:
        send_activation_mail(user, token)
    return user, token is not None


def send_activation_mail(user: User, token: str) -> None:
    link = mail.external_url("auth.reset_password", token=token)
    site = current_app.config["SITE_NAME"]
    context = {"user": user, "link": link, "site": site, "days": ACTIVATION_MAX_AGE.days}
    mail.send_mail(
        user.email,
        f"{site}: your account is ready",
        render_template("mail/activation.txt", **context),
        render_template("mail/activation.html", **context),
    )
