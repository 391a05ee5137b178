"""What the secretariat does to a meeting's record shows in the audit log, in sentences:
minutes saved and approved, decisions and action items created, edited and deleted."""

from __future__ import annotations

import re

from sqlalchemy import select

from intranet.extensions import db
from intranet.models import AuditEvent
from intranet_meetings.models import ActionItem, Decision


def log_lines(client) -> list[str]:
    page = client.get("/admin/audit").text
    body = page.split('<ol class="audit-events">', 1)[1].split("</ol>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", row)).strip() for row in body.split("<li")]


def test_minutes_saved_and_approved_are_recorded(client, secretariat, make_meeting):
    meeting = make_meeting(title="Plenary in Riga")
    client.login(secretariat.email)
    client.submit(f"/meetings/{meeting.id}/minutes", {"body": "Draft", "status": "draft"})
    client.submit(f"/meetings/{meeting.id}/minutes", {"body": "Final", "status": "approved"})
    client.submit(f"/meetings/{meeting.id}/minutes", {"body": "Final.", "status": "approved"})
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.target == f"meeting:{meeting.id}")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "meetings.minutes_saved",
        "meetings.minutes_approved",
        "meetings.minutes_saved",  # a correction after approval approves nothing again
    ]
    lines = " | ".join(log_lines(client))
    assert (
        "Sofia Secretariat (secretariat) approved the minutes of Plenary in Riga of 19 March 2030"
    ) in lines, lines


def test_decisions_and_action_items_read_as_sentences_even_once_deleted(
    client, secretariat, make_meeting
):
    meeting = make_meeting()
    client.login(secretariat.email)
    client.submit(f"/meetings/{meeting.id}/decisions/new", {"text": "Adopt.", "status": "adopted"})
    decision = db.session.scalars(select(Decision)).one()
    reference = decision.reference
    client.submit(
        f"/meetings/decisions/{decision.id}/edit", {"text": "Adopt it.", "status": "adopted"}
    )
    client.submit(
        f"/meetings/{meeting.id}/actions/new",
        {"title": "Share the checklist", "owner_user": "", "owner_country": "LV", "status": "open"},
    )
    item = db.session.scalars(select(ActionItem)).one()
    client.submit(f"/meetings/actions/{item.id}/status", {"status": "done"})
    client.submit(f"/meetings/decisions/{decision.id}/delete")
    client.submit(f"/meetings/actions/{item.id}/delete")
    lines = " | ".join(log_lines(client))
    who = "Sofia Secretariat (secretariat)"
    for sentence in (
        f"{who} recorded the decision {reference}",
        f"{who} edited the decision {reference}",
        f"{who} created the action item “Share the checklist”",
        f"{who} marked the action item “Share the checklist” as done",
        f"{who} deleted the decision {reference}",
        f"{who} deleted the action item “Share the checklist”",
    ):
        assert sentence in lines
    assert "decision:" not in lines and "action:" not in lines
