"""The audit log API for the core and plugins."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from intranet.extensions import db
from intranet.models import AuditEvent, User


def client_ip() -> str | None:
    """The client's address as the WSGI server sees it (ProxyFix sets it behind a proxy)."""
    return request.remote_addr if has_request_context() else None


def record(
    action: str, target: str | None = None, actor: User | None = None, **details: Any
) -> AuditEvent:
    """Add an audit event to the current transaction; the caller commits it with its change."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    event = AuditEvent(
        action=action,
        target=target,
        actor_id=actor.id if actor is not None else None,
        ip=client_ip(),
        details=details,
    )
    db.session.add(event)
    return event


def ref_ids(refs: Iterable[str], kind: str) -> list[int]:
    """The ids of the audit targets "<kind>:<id>" among `refs`, for one query per kind."""
    prefix = f"{kind}:"
    return [
        int(ref[len(prefix) :])
        for ref in refs
        if ref.startswith(prefix) and ref[len(prefix) :].isdigit()
    ]
