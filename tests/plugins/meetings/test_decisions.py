"""The register of decisions: generated references, a page listing every decision the viewer may
see (filtered, paginated, searchable), and the staff's audited edits of decisions and action
items with a confirmation before deleting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text

from intranet.extensions import db
from intranet.models import AuditEvent
from intranet.platform import schema
from intranet_meetings.models import ActionItem, Decision, Minutes


def record(client, meeting, words: str, status: str = "adopted"):
    return client.submit(f"/meetings/{meeting.id}/decisions/new", {"text": words, "status": status})


def audited(action: str) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.target).where(AuditEvent.action == action)))


def test_references_are_generated_per_body_and_year(client, secretariat, make_meeting):
    first = make_meeting(title="Plenary I", start=datetime(2026, 3, 3, 10))
    second = make_meeting(title="Plenary II", start=datetime(2026, 10, 6, 10))
    group = make_meeting(
        title="Sub-group call", start=datetime(2026, 5, 5, 10), owner_kind="subgroups.group"
    )
    group.owner_id = 5
    next_year = make_meeting(title="Plenary III", start=datetime(2027, 3, 2, 10))
    db.session.commit()
    client.login(secretariat.email)
    form = client.get(f"/meetings/{first.id}/decisions/new").get_data(as_text=True)
    assert 'name="reference"' not in form
    for meeting, words in [
        (first, "Adopt the work plan."),
        (first, "Create a sub-group on labour exploitation."),
        (group, "Draft a checklist."),
        (second, "Prolong the mandate."),
        (next_year, "Approve the final report."),
    ]:
        response = record(client, meeting, words)
        assert response.status_code == 303
    references = dict(db.session.execute(select(Decision.text, Decision.reference)).all())
    assert references == {
        "Adopt the work plan.": "TF/2026/1",
        "Create a sub-group on labour exploitation.": "TF/2026/2",
        "Draft a checklist.": "SG5/2026/1",
        "Prolong the mandate.": "TF/2026/3",
        "Approve the final report.": "TF/2027/1",
    }
    page = client.get(f"/meetings/{first.id}", follow_redirects=True).get_data(as_text=True)
    assert "TF/2026/2" in page


def test_the_register_lists_decisions_newest_first_with_filters(
    client, member, make_meeting, secretariat
):
    old = make_meeting(title="Plenary 2025", start=datetime(2025, 6, 3, 10))
    new = make_meeting(title="Plenary 2026", start=datetime(2026, 6, 2, 10))
    group = make_meeting(title="Sub-group call", start=datetime(2026, 9, 1, 10))
    group.owner_kind, group.owner_id = "subgroups.group", 2
    new.minutes = Minutes(body="Summary", status="approved")
    db.session.add_all(
        [
            Decision(meeting=old, text="Old decision"),
            Decision(meeting=new, text="New decision", status="implemented"),
            Decision(meeting=group, text="Group decision"),
        ]
    )
    db.session.commit()
    client.login(member.email)
    page = client.get("/meetings/decisions").get_data(as_text=True)
    assert page.index("Group decision") < page.index("New decision") < page.index("Old decision")
    assert f'href="/meetings/{new.id}#minutes"' in page
    assert 'aria-current="page">Decisions</a>' in page  # in the meetings' navigation

    def listed(**filters):
        html = client.get("/meetings/decisions", query_string=filters).get_data(as_text=True)
        return [
            words for words in ("Old decision", "New decision", "Group decision") if words in html
        ]

    assert listed(year=2025) == ["Old decision"]
    assert listed(body="task-force") == ["Old decision", "New decision"]
    assert listed(body="sub-groups") == ["Group decision"]
    assert listed(status="implemented") == ["New decision"]
    fragment = client.get("/meetings/decisions?year=2026", headers={"HX-Request": "true"})
    assert fragment.text.startswith('<div id="register">')
    assert "HX-Request" in fragment.headers["Vary"] and "Old decision" not in fragment.text


def test_the_register_is_paginated(client, member, make_meeting):
    meeting = make_meeting()
    db.session.add_all([Decision(meeting=meeting, text=f"Decision number {n}") for n in range(30)])
    db.session.commit()
    client.login(member.email)
    first = client.get("/meetings/decisions").get_data(as_text=True)
    assert "Decision number 29" in first and "Decision number 4<" not in first
    assert "Next page" in first
    second = client.get("/meetings/decisions?page=2").get_data(as_text=True)
    assert "Decision number 4<" in second and "Decision number 29" not in second


def test_a_guest_sees_only_the_decisions_of_meetings_granted(
    client, make_user, make_meeting, grant_meeting
):
    granted = make_meeting(title="Open plenary")
    closed = make_meeting(title="Closed plenary")
    granted.minutes = Minutes(body="Draft summary", status="draft")
    db.session.add_all(
        [Decision(meeting=granted, text="Shared result"), Decision(meeting=closed, text="Secret")]
    )
    db.session.commit()
    guest = make_user("guest")
    grant_meeting(granted)
    client.login(guest.email)
    page = client.get("/meetings/decisions").get_data(as_text=True)
    assert "Shared result" in page and "Secret" not in page
    assert "1 decision." in page  # counted and paginated among the granted ones only
    assert "#minutes" not in page  # draft minutes are not for guests
    assert f"/meetings/{closed.id}#decision" not in client.get("/search?q=Secret").text


def test_decisions_are_found_by_the_global_search(client, member, make_meeting):
    meeting = make_meeting()
    decision = Decision(meeting=meeting, text="Establish a referral mechanism for victims.")
    db.session.add(decision)
    db.session.commit()
    client.login(member.email)
    html = client.get("/search?q=referral").get_data(as_text=True)
    assert f"/meetings/{meeting.id}#decision-{decision.id}" in html
    assert f"Decision {decision.reference}" in html


def test_staff_edit_and_delete_a_decision_after_confirming(
    client, secretariat, member, make_meeting
):
    meeting = make_meeting()
    decision = Decision(meeting=meeting, text="Adopt the plan.")
    db.session.add(decision)
    db.session.commit()
    decision_id, reference = decision.id, decision.reference
    client.login(member.email)
    assert client.get(f"/meetings/decisions/{decision_id}/edit").status_code == 403
    assert client.submit(f"/meetings/decisions/{decision_id}/delete").status_code == 403
    client.submit("/logout")
    client.login(secretariat.email)
    response = client.submit(
        f"/meetings/decisions/{decision_id}/edit",
        {"text": "Adopt the amended plan.", "status": "implemented"},
        follow_redirects=True,
    )
    assert f"Decision {reference} saved." in response.text
    assert db.session.get(Decision, decision_id).status == "implemented"
    confirm = client.get(f"/meetings/decisions/{decision_id}/confirm-deletion")
    assert confirm.status_code == 200 and "Adopt the amended plan." in confirm.text
    assert db.session.get(Decision, decision_id) is not None  # asking deletes nothing
    response = client.submit(f"/meetings/decisions/{decision_id}/delete", follow_redirects=True)
    assert f"Decision {reference} deleted." in response.text
    db.session.expire_all()
    assert db.session.get(Decision, decision_id) is None
    assert audited("meetings.decision_updated") == [f"decision:{decision_id}"]
    assert audited("meetings.decision_deleted") == [f"decision:{decision_id}"]


def test_staff_edit_and_delete_an_action_item(client, secretariat, member, make_meeting):
    meeting = make_meeting()
    item = ActionItem(meeting=meeting, title="Share the checklist", owner_country="LV")
    db.session.add(item)
    db.session.commit()
    item_id = item.id
    client.login(member.email)
    assert client.get(f"/meetings/actions/{item_id}/edit").status_code == 403
    client.submit("/logout")
    client.login(secretariat.email)
    response = client.submit(
        f"/meetings/actions/{item_id}/edit",
        {"title": "Share the revised checklist", "owner_user": "", "owner_country": "EE"},
        follow_redirects=True,
    )
    assert "Action item “Share the revised checklist” saved." in response.text
    assert db.session.get(ActionItem, item_id).owner_country == "EE"
    assert (
        "Share the revised checklist"
        in client.get(f"/meetings/actions/{item_id}/confirm-deletion").text
    )
    response = client.submit(f"/meetings/actions/{item_id}/delete", follow_redirects=True)
    assert "Action item “Share the revised checklist” deleted." in response.text
    db.session.expire_all()
    assert db.session.get(ActionItem, item_id) is None
    assert audited("meetings.action_deleted") == [f"action:{item_id}"]


def test_the_migration_numbers_existing_decisions(app, make_meeting):
    early = make_meeting(title="Early", start=datetime(2025, 2, 4, 10))
    late = make_meeting(title="Late", start=datetime(2025, 11, 4, 10))
    db.session.commit()
    early_id, late_id = early.id, late.id
    db.session.remove()
    schema.downgrade("meetings_0006")
    with db.engine.begin() as connection:
        for meeting_id, words in [(late_id, "Later"), (early_id, "Earlier"), (late_id, "Last")]:
            connection.execute(
                text(
                    "INSERT INTO meetings_decision (meeting_id, reference, text, created_at) "
                    "VALUES (:meeting, 'typed by hand', :words, CURRENT_TIMESTAMP)"
                ),
                {"meeting": meeting_id, "words": words},
            )
    schema.upgrade()
    references = dict(db.session.execute(select(Decision.text, Decision.reference)).all())
    assert references == {"Earlier": "TF/2025/1", "Later": "TF/2025/2", "Last": "TF/2025/3"}
    db.session.add(Decision(meeting_id=late_id, text="After the upgrade"))
    db.session.commit()
    assert db.session.scalar(
        select(Decision.reference).where(Decision.text == "After the upgrade")
    ) == ("TF/2025/4")
    assert db.session.scalar(select(Decision.status).limit(1)) == "adopted"


def test_a_deleted_decisions_reference_is_never_given_again(client, secretariat, make_meeting):
    meeting = make_meeting(start=datetime(2026, 3, 3, 10))
    client.login(secretariat.email)
    record(client, meeting, "First")
    record(client, meeting, "Second")
    second = db.session.scalar(select(Decision).where(Decision.text == "Second"))
    assert second.reference == "TF/2026/2"
    client.submit(f"/meetings/decisions/{second.id}/delete")
    record(client, meeting, "Third")
    assert db.session.scalar(select(Decision.reference).where(Decision.text == "Third")) == (
        "TF/2026/3"
    )
