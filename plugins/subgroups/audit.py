"""The names of sub-groups and discussions that audit events of other plugins refer to: guest
grants (partners) and replies by mail (the core)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from intranet.plugin_api import AuditTarget, audit_ref_ids, db

from .mail_replies import KIND as THREAD
from .models import SubGroup, Thread
from .rules import KIND as GROUP


def audit_targets(refs: list[str]) -> dict[str, AuditTarget]:
    found: dict[str, AuditTarget] = {}
    if ids := audit_ref_ids(refs, GROUP):
        for group in db.session.scalars(select(SubGroup).where(SubGroup.id.in_(ids))):
            found[f"{GROUP}:{group.id}"] = AuditTarget(
                f"the sub-group {group.name}", url_for("subgroups.show", group_id=group.id)
            )
    if ids := audit_ref_ids(refs, THREAD):
        for thread in db.session.scalars(select(Thread).where(Thread.id.in_(ids))):
            found[f"{THREAD}:{thread.id}"] = AuditTarget(
                f"the discussion “{thread.title}”",
                url_for("subgroups.thread", thread_id=thread.id),
            )
    return found
