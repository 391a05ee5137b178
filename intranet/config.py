"""Configuration from the environment, with safe defaults for a single-host install."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any


def parse_bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_secret_key(instance_path: Path) -> str:
    """Return INTRANET_SECRET_KEY, or a key generated once and kept in the instance folder."""
    configured = os.environ.get("INTRANET_SECRET_KEY")
    if configured:
        return configured
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    temporary = key_file.with_name(f"secret_key.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    try:
        os.link(temporary, key_file)  # atomic: of several starting workers, exactly one wins
    except FileExistsError:
        key = key_file.read_text().strip()
    finally:
        temporary.unlink()
    return key


def from_environment(instance_path: Path) -> dict[str, Any]:
    """Build the Flask config mapping from INTRANET_* environment variables."""
    env = os.environ
    base_url = env.get("INTRANET_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    database_url = env.get("INTRANET_DATABASE_URL") or f"sqlite:///{instance_path / 'intranet.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url.removeprefix("postgres://")
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    secure = base_url.startswith("https://")
    imap_ssl = parse_bool(env.get("INTRANET_IMAP_SSL"), default=True)
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A connection the database server dropped (restart, failover) is replaced, not used.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BASE_URL": base_url,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 14,
        "PREFERRED_URL_SCHEME": "https" if secure else "http",
        "MAX_CONTENT_LENGTH": int(env.get("INTRANET_MAX_CONTENT_LENGTH", 16 * 1024 * 1024)),
        "WTF_CSRF_TIME_LIMIT": None,
        "SMTP_HOST": env.get("INTRANET_SMTP_HOST", ""),
        "SMTP_PORT": int(env.get("INTRANET_SMTP_PORT", "587")),
        "SMTP_USER": env.get("INTRANET_SMTP_USER", ""),
        "SMTP_PASSWORD": env.get("INTRANET_SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": parse_bool(env.get("INTRANET_SMTP_STARTTLS"), default=True),
        "SMTP_TIMEOUT": float(env.get("INTRANET_SMTP_TIMEOUT", "10")),
        # "thread": each app server process delivers the outbox; "off": `intranet mail-worker`.
        "MAIL_SENDER": env.get("INTRANET_MAIL_SENDER", "thread").strip().lower(),
        "MAIL_SENDER_POLL": float(env.get("INTRANET_MAIL_SENDER_POLL", "5")),
        "MAIL_FROM": env.get("INTRANET_MAIL_FROM", "intranet@localhost"),
        "REPLY_DOMAIN": env.get("INTRANET_REPLY_DOMAIN", "").strip().lower(),
        "MAIL_RECEIVER": parse_bool(env.get("INTRANET_MAIL_RECEIVER"), default=False),
        "INBOUND_MAX_BYTES": int(env.get("INTRANET_INBOUND_MAX_BYTES", 25 * 1024 * 1024)),
        "IMAP_HOST": env.get("INTRANET_IMAP_HOST", ""),
        "IMAP_SSL": imap_ssl,
        "IMAP_PORT": int(env.get("INTRANET_IMAP_PORT", "993" if imap_ssl else "143")),
        "IMAP_STARTTLS": parse_bool(env.get("INTRANET_IMAP_STARTTLS"), default=not imap_ssl),
        "IMAP_USER": env.get("INTRANET_IMAP_USER", ""),
        "IMAP_PASSWORD": env.get("INTRANET_IMAP_PASSWORD", ""),
        "IMAP_FOLDER": env.get("INTRANET_IMAP_FOLDER", "INBOX"),
        "IMAP_DONE_FOLDER": env.get("INTRANET_IMAP_DONE_FOLDER", ""),
        "MAIL_OUTBOX": env.get("INTRANET_MAIL_OUTBOX") or str(instance_path / "outbox"),
        "SITE_NAME": env.get("INTRANET_SITE_NAME", "Task Force Intranet"),
        "TRUSTED_PROXIES": int(env.get("INTRANET_TRUSTED_PROXIES", "0")),
        "PASSWORD_RESET_MAX_AGE": 60 * 60,
        "TWO_FACTOR_REQUIRED_ROLES": tuple(
            role.strip()
            for role in env.get("INTRANET_2FA_REQUIRED_ROLES", "admin,secretariat").split(",")
            if role.strip()
        ),
        "SESSION_IDLE_TIMEOUT": 60 * int(env.get("INTRANET_SESSION_IDLE_MINUTES", "120")),
        "SESSION_ABSOLUTE_TIMEOUT": 3600 * int(env.get("INTRANET_SESSION_MAX_HOURS", "12")),
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
        "LOGIN_MAX_FAILURES_PER_IP": 20,
        "LOGIN_THROTTLE_WINDOW": 15 * 60,
        # Months after which a deactivated account's personal data is erased (privacy.erasure).
        "RETENTION_GUEST_MONTHS": int(env.get("INTRANET_RETENTION_GUEST_MONTHS", "12")),
        "RETENTION_MEMBER_MONTHS": int(env.get("INTRANET_RETENTION_MEMBER_MONTHS", "12")),
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 64 * 1024,
        "ARGON2_PARALLELISM": 4,
    }
