"""Passwords, single-use tokens, login throttling, safe redirects and response headers."""

from __future__ import annotations

import hashlib
import re
import secrets
from contextlib import suppress
from datetime import timedelta
from functools import cache, cached_property
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response, current_app
from htmx_flask.requests import HtmxAwareRequest
from sqlalchemy import delete, func, select, update
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict
from werkzeug.routing import IntegerConverter, Map

from intranet.extensions import db
from intranet.models import AuthToken, LoginAttempt, User, utcnow

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128


# --- passwords -------------------------------------------------------------------------------


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(user: User, password: str) -> bool:
    """Check a password (argon2id); rehash transparently when the parameters were raised."""
    if not user.password_hash:
        return False
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def burn_password_check() -> None:
    """Spend the time of a verification so unknown emails are not told apart by timing."""
    with suppress(VerificationError):
        _hasher().verify(_dummy_hash(), "wrong password for timing")


@cache
def _dummy_hash_for(params: tuple[int, int, int]) -> str:
    time_cost, memory_cost, parallelism = params
    return PasswordHasher(time_cost, memory_cost, parallelism).hash(secrets.token_hex(16))


def _dummy_hash() -> str:
    config = current_app.config
    return _dummy_hash_for(
        (config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"])
    )


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("intranet").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why `password` is not acceptable, or None. Length 12-128, not common, not personal."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    lowered = password.lower()
    squeezed = re.sub(r"[\W_]+", "", lowered)
    core = squeezed.strip("0123456789")
    if not core or {lowered, squeezed, core} & common_passwords():
        return "This password is too common. Choose a less predictable one."
    if len(set(lowered)) < 4:
        return "This password repeats too few characters. Choose a less predictable one."
    personal = {email.lower().partition("@")[0], *re.split(r"\W+", name.lower())}
    if any(
        len(word) >= 4 and word in squeezed and len(squeezed) - len(word) < 8
        for word in personal
        if word
    ):
        return "This password is too close to your name or email address."
    return None


# --- single-use tokens -------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User, purpose: str, max_age: timedelta) -> str:
    """Create a single-use token for `user`; the caller commits. Only the digest is stored."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        AuthToken(
            token_hash=_digest(token),
            purpose=purpose,
            user_id=user.id,
            expires_at=utcnow() + max_age,
        )
    )
    return token


def peek_token(token: str, purpose: str) -> AuthToken | None:
    """The valid (unused, unexpired) token record for `token`, without using it up."""
    if not token or len(token) > 200:
        return None
    record = db.session.scalar(
        select(AuthToken).where(
            AuthToken.token_hash == _digest(token), AuthToken.purpose == purpose
        )
    )
    if record is None or record.used_at is not None or record.expires_at <= utcnow():
        return None
    return record


def consume_token(record: AuthToken) -> bool:
    """Mark the token used; False when another request used it first (atomic)."""
    result = db.session.execute(
        update(AuthToken)
        .where(AuthToken.id == record.id, AuthToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return result.rowcount == 1


def revoke_tokens(user: User, purpose: str) -> None:
    db.session.execute(
        update(AuthToken)
        .where(
            AuthToken.user_id == user.id, AuthToken.purpose == purpose, AuthToken.used_at.is_(None)
        )
        .values(used_at=utcnow())
    )


# --- login throttling --------------------------------------------------------------------------


def throttle_wait(email: str, ip: str) -> int:
    """Seconds until another login attempt is allowed for this account or address (0 = now)."""
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_THROTTLE_WINDOW"])
    since = utcnow() - window
    waits = []
    for column, value, limit in (
        (LoginAttempt.email, email, config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
        (LoginAttempt.ip, ip, config["LOGIN_MAX_FAILURES_PER_IP"]),
    ):
        count, oldest = db.session.execute(
            select(func.count(), func.min(LoginAttempt.at)).where(
                column == value, LoginAttempt.at > since
            )
        ).one()
        if count >= limit and oldest is not None:
            waits.append(int((oldest + window - utcnow()).total_seconds()) + 1)
    return max(waits, default=0)


def record_failed_login(email: str, ip: str) -> None:
    db.session.add(LoginAttempt(email=email, ip=ip))


def clear_failed_logins(email: str) -> None:
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))


# --- redirects and headers ---------------------------------------------------------------------


def is_safe_next(target: str | None) -> bool:
    """Only local paths ("/directory?q=x"), never another host or scheme."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and "\\" not in target


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if response.mimetype == "text/html":
        response.vary.add("HX-Request")
        response.headers.setdefault("Cache-Control", "no-store")
    elif is_download(response):
        response.headers["Cache-Control"] = "private, no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


# --- integers in paths and query strings -------------------------------------------------------

LARGEST_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` in every route: ids past a database integer column match no route (404)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


class _BoundedGet:
    """`get(name, type=int)` gives the default for numbers no database integer column holds."""

    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:
        value = super().get(key, default, type)  # type: ignore[misc]
        if type is int and isinstance(value, int) and not -LARGEST_ID <= value <= LARGEST_ID:
            return default
        return value


class BoundedArgs(_BoundedGet, ImmutableMultiDict):
    """Query and form values (`request.args`, `request.form`)."""


class BoundedValues(_BoundedGet, CombinedMultiDict):
    """Query and form values together (`request.values`)."""


class BoundedRequest(HtmxAwareRequest):
    """The request class of the app; set after htmx's extension, which installs its own."""

    parameter_storage_class = BoundedArgs

    @cached_property
    def values(self) -> CombinedMultiDict:
        return BoundedValues(super().values.dicts)


# --- downloads are private ---------------------------------------------------------------------

PRIVATE_MIMETYPES = frozenset(
    {
        "text/calendar",
        "text/vcard",
        "text/x-vcard",
        "text/csv",
        "text/markdown",
        "application/pdf",
        "application/json",
        "application/zip",
        "application/octet-stream",
    }
)


def is_download(response: Response) -> bool:
    """An export or file: named for saving, or of a type only exports and uploads have."""
    return "Content-Disposition" in response.headers or response.mimetype in PRIVATE_MIMETYPES
