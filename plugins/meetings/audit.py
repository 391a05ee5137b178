"""How the meetings plugin's audit events read, and the names of the objects they refer to."""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy import select

from intranet.plugin_api import AuditKind, AuditTarget, audit_ref_ids, db

from .models import ActionItem, Decision, Meeting

K = AuditKind

AUDIT_KINDS = [
    K("meetings.created", "Meeting created", "{actor} created the meeting {target}"),
    K("meetings.updated", "Meeting changed", "{actor} changed the meeting {target}"),
    K(
        "meetings.occurrence_updated",
        "One occurrence changed",
        "{actor} changed one occurrence of the meeting {target}",
    ),
    K("meetings.agenda_published", "Agenda published", "{actor} published the agenda of {target}"),
    K(
        "meetings.agenda_copied",
        "Agenda copied",
        "{actor} copied the previous meeting's agenda into {target}",
    ),
    K(
        "meetings.attendance_recorded",
        "Attendance recorded",
        "{actor} recorded who attended {target}",
    ),
    K("meetings.document_added", "Meeting document added", "{actor} added the document {target}"),
    K(
        "meetings.document_removed",
        "Meeting document removed",
        "{actor} removed the document {target}",
    ),
    K("meetings.minutes_saved", "Minutes saved", "{actor} saved the minutes of {target}"),
    K("meetings.minutes_approved", "Minutes approved", "{actor} approved the minutes of {target}"),
    K("meetings.decision_recorded", "Decision recorded", "{actor} recorded the decision {target}"),
    K("meetings.decision_updated", "Decision edited", "{actor} edited the decision {target}"),
    K("meetings.decision_deleted", "Decision deleted", "{actor} deleted the decision {target}"),
    K("meetings.action_added", "Action item created", "{actor} created the action item {target}"),
    K("meetings.action_updated", "Action item edited", "{actor} edited the action item {target}"),
    K(
        "meetings.action_status_changed",
        "Action item marked",
        "{actor} marked the action item {target} as {status}",
    ),
    K("meetings.action_deleted", "Action item deleted", "{actor} deleted the action item {target}"),
    K(
        "meetings.feed_regenerated",
        "Calendar link renewed",
        "{actor} renewed their personal calendar link",
    ),
]


def meeting_name(meeting: Meeting, day: date | None = None) -> str:
    return f"{meeting.title} of {(day or meeting.local_start.date()).strftime('%-d %B %Y')}"


def audit_targets(refs: list[str]) -> dict[str, AuditTarget]:
    """Meetings (and single occurrences), decisions and action items among `refs`."""
    days = {}
    for ref in refs:
        kind, _, rest = ref.partition(":")
        number, _, day = rest.partition(":")
        if kind == "meeting" and number.isdigit() and day:
            try:
                days[ref] = (int(number), date.fromisoformat(day))
            except ValueError:
                continue
    meeting_ids = set(audit_ref_ids(refs, "meeting") + audit_ref_ids(refs, "meetings.meeting"))
    meeting_ids |= {number for number, _ in days.values()}
    decision_ids = audit_ref_ids(refs, "decision")
    action_ids = audit_ref_ids(refs, "action")
    found: dict[str, AuditTarget] = {}
    if decision_ids:
        for decision in db.session.scalars(select(Decision).where(Decision.id.in_(decision_ids))):
            url = url_for("meetings.show", meeting_id=decision.meeting_id)
            found[f"decision:{decision.id}"] = AuditTarget(
                decision.reference or decision.text[:60], f"{url}#decision-{decision.id}"
            )
    if action_ids:
        for item in db.session.scalars(select(ActionItem).where(ActionItem.id.in_(action_ids))):
            url = url_for("meetings.show", meeting_id=item.meeting_id)
            found[f"action:{item.id}"] = AuditTarget(f"“{item.title}”", f"{url}#actions")
    if meeting_ids:
        meetings = {
            meeting.id: meeting
            for meeting in db.session.scalars(select(Meeting).where(Meeting.id.in_(meeting_ids)))
        }
        for meeting in meetings.values():
            target = AuditTarget(
                meeting_name(meeting), url_for("meetings.show", meeting_id=meeting.id)
            )
            found[f"meeting:{meeting.id}"] = found[f"meetings.meeting:{meeting.id}"] = target
        for ref, (number, day) in days.items():
            if number in meetings:
                url = url_for("meetings.show_occurrence", meeting_id=number, day=day.isoformat())
                found[ref] = AuditTarget(meeting_name(meetings[number], day), url)
    return found
