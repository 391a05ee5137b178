"""Reply addresses that name who may answer what, and cannot be forged.

An address is ``reply+<token>@<INTRANET_REPLY_DOMAIN>``. The token carries the recipient's
user id, the target ("subgroups.thread:12") and an expiry day, sealed with an HMAC-SHA256
under a key derived from the SECRET_KEY. It holds only lowercase letters, digits, "_", "."
and "-", at most 64 characters (the SMTP limit for a local part), so mail servers that
lowercase addresses keep it intact.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from flask import current_app

from intranet.extensions import db
from intranet.models import User
from intranet.platform.mail import MailAttachment
from intranet.values import MailReplyResult

REPLY_VALIDITY = timedelta(days=60)
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
_MAC_BYTES = 10  # 80 bits, 16 base32 characters: the address stays under 64 characters


class Refusal(StrEnum):
    """Why a reply address was not accepted; each has its own bounce text."""

    FORGED = "forged"
    EXPIRED = "expired"
    UNKNOWN_USER = "unknown-user"


class ReplyTarget(NamedTuple):
    user: User
    target: str


def reply_domain() -> str:
    return current_app.config.get("REPLY_DOMAIN", "") or ""


def _key() -> bytes:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"intranet.reply-address.v1", hashlib.sha256).digest()


def _mac(payload: str) -> str:
    digest = hmac.new(_key(), payload.encode(), hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.b32encode(digest).decode().lower()


def _encode_target(target: str) -> str:
    """``subgroups.thread:12`` becomes ``subgroups-thread-c`` (kind, then the id in hex)."""
    kind, _, number = target.partition(":")
    if not re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*", kind) or not number.isdigit():
        raise ValueError(f"A reply target is kind:id, not {target!r}")
    return f"{kind.replace('.', '-')}-{int(number):x}"


def _decode_target(value: str) -> str:
    kind, _, number = value.rpartition("-")
    if not kind:
        raise ValueError(value)
    return f"{kind.replace('-', '.')}:{int(number, 16)}"


def make_token(user_id: int, target: str, *, now: datetime | None = None) -> str:
    """A token for ``user_id`` answering ``target`` (kind:id), valid for REPLY_VALIDITY."""
    expires = ((now or datetime.now(UTC)) + REPLY_VALIDITY - _EPOCH).days
    payload = f"{user_id:x}.{expires:x}.{_encode_target(target)}"
    return f"{payload}.{_mac(payload)}"


def reply_address(user_id: int, target: str) -> str | None:
    """The Reply-To for a mail to ``user_id`` about ``target``; None without a reply domain."""
    domain = reply_domain()
    if not domain:
        return None
    return f"reply+{make_token(user_id, target)}@{domain}"


def token_from_address(address: str) -> str | None:
    """The token in ``reply+<token>@domain`` (case-insensitive), or None for another address."""
    local, _, domain = address.strip().strip("<>").rpartition("@")
    if domain.lower() != reply_domain().lower() or not local.lower().startswith("reply+"):
        return None
    return local[len("reply+") :].lower()


def verify_token(token: str, *, now: datetime | None = None) -> ReplyTarget | Refusal:
    """The user and target a token names, or why it is refused (forged, expired, unknown)."""
    token = token.lower()
    payload, _, mac = token.rpartition(".")
    if not payload or not hmac.compare_digest(_mac(payload), mac):
        return Refusal.FORGED
    try:
        user_hex, expires_hex, target_code = payload.split(".")
        user_id, expires = int(user_hex, 16), int(expires_hex, 16)
        target = _decode_target(target_code)
    except ValueError:
        return Refusal.FORGED
    if (now or datetime.now(UTC)) >= _EPOCH + timedelta(days=expires):
        return Refusal.EXPIRED
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return Refusal.UNKNOWN_USER
    return ReplyTarget(user, target)


def thread_message_id(target: str) -> str:
    """A stable Message-ID for a target, so every mail about it threads in the mail client."""
    domain = reply_domain() or current_app.config["MAIL_FROM"].rpartition("@")[2] or "localhost"
    return f"<{target.replace(':', '-').replace('.', '-')}@{domain}>"


def reply_headers(user_id: int, target: str) -> dict[str, str]:
    """Reply-To, In-Reply-To and References for a notification mail about ``target``."""
    address = reply_address(user_id, target)
    if address is None:
        return {}
    thread = thread_message_id(target)
    return {"Reply-To": address, "In-Reply-To": thread, "References": thread}


def post_reply(
    target: str, user: User, text: str, attachments: list[MailAttachment] | None = None
) -> MailReplyResult:
    """Hand a verified reply to the enabled plugin that owns `target`'s kind."""
    from intranet.platform.plugins import results

    files = list(attachments or [])
    for _, answer in results(
        "intranet_mail_reply", target=target, user=user, text=text, attachments=files
    ):
        return answer
    return MailReplyResult(refusal="What you answered can no longer be answered by mail.")


def refuse_reply_text(body: str, max_length: int) -> MailReplyResult | None:
    """The refusal for a reply's text (quote and signature cut, stripped) that is empty or
    longer than `max_length`, else None: the same words in every plugin's bounce."""
    if not body:
        return MailReplyResult(refusal="Your reply was empty once the quoted mail was removed.")
    if len(body) > max_length:
        return MailReplyResult(
            refusal=f"Your reply is longer than {max_length} characters; shorten it."
        )
    return None
