"""Who may steer the task force's governance (the secretariat and the current chair), and who
sees which activity report: one rule each, for `can()`, `can_many()` and the pages alike."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true

from intranet.plugin_api import STAFF, ResourceRef, User, can, db

from . import chairmanship, settings
from .models import Report

STEER = "governance.steer"
VIEW = "governance.view"
REPORT = "governance.report"


def may_steer(user: User) -> bool:
    """The secretariat and the current chair revise documents, decide proposals, write reports."""
    return can(user, STEER, roles=STAFF)


def visible_reports(user: User) -> ColumnElement[bool]:
    """The one rule for seeing a report, as SQL: drafts are for those who steer, submitted
    reports for every member; governance is never open to guests."""
    if user.is_guest:
        return false()
    return true() if may_steer(user) else Report.submitted_at.is_not(None)


def permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    """The chair's rights: the chair is a title derived from the current chairmanship."""
    if action != STEER and action not in settings.get("chair_actions"):
        return None
    return True if chairmanship.is_chair(user) else None


def permission_many(user: User, action: str, kind: str, ids: list[int]) -> dict[int, bool] | None:
    """Seeing reports: allowed where `visible_reports` shows them, refused elsewhere."""
    if kind != REPORT or action != VIEW:
        return None
    shown = set(
        db.session.scalars(select(Report.id).where(Report.id.in_(ids), visible_reports(user)))
    )
    return {id_: id_ in shown for id_ in ids}
