"""The audit log page: sentences with names and links, filters, pages of 50, CSV export."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import func, select

from intranet.extensions import db
from intranet.models import AuditEvent


def add_event(action, at, actor=None, target=None, ip="192.0.2.7", **details):
    db.session.add(
        AuditEvent(
            action=action,
            at=at,
            actor_id=actor.id if actor else None,
            target=target,
            ip=ip,
            details=details,
        )
    )
    db.session.commit()


def rows_of(page: str) -> list[str]:
    body = page.split('<ol class="audit-events">', 1)[1].split("</ol>", 1)[0]
    rows = body.split("<li")[1:]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", "<li" + row)).strip() for row in rows]


def test_log_tells_events_in_sentences_with_names_and_links_newest_first(client, admin, member):
    add_event(
        "user.role_changed",
        datetime(2026, 3, 1, 9, 5, tzinfo=UTC),
        admin,
        f"user:{member.id}",
        old="member",
        new="secretariat",
    )
    add_event("plugin.enabled", datetime(2026, 3, 2, 9, tzinfo=UTC), admin, "plugin:meetings")
    client.login(admin.email)
    page = client.get("/admin/audit").get_data(as_text=True)
    rows = rows_of(page)
    assert rows[0].startswith("Ada Admin (admin) signed in")  # the admin's own sign-in just now
    assert rows[1].startswith("Ada Admin (admin) enabled the plugin Meetings · 2 Mar 2026 10:00")
    assert rows[2].startswith(
        "Ada Admin (admin) changed the role of Maria Member from member to secretariat"
    )
    assert f'<a href="/members/{member.id}">Maria Member</a>' in page
    assert "user.role_changed" not in " ".join(rows) and f"user:{member.id}" not in " ".join(rows)


def test_unknown_kinds_and_vanished_objects_read_as_words_not_codes(client, admin):
    add_event("polls.vote_cast", datetime(2026, 3, 1, 9, tzinfo=UTC), admin, "poll:9")
    add_event(
        "meetings.decision_deleted",
        datetime(2026, 3, 2, 9, tzinfo=UTC),
        admin,
        "decision:404",
        name="Decision 2026/3",
    )
    add_event("profile.updated", datetime(2026, 3, 3, 9, tzinfo=UTC), admin, "user:99999")
    client.login(admin.email)
    rows = rows_of(client.get("/admin/audit").get_data(as_text=True))
    assert "Ada Admin (admin) updated the profile of a user no longer available" in rows[1]
    assert "Ada Admin (admin) deleted the decision Decision 2026/3" in rows[2]
    assert "Ada Admin (admin): polls: vote cast (a poll no longer available)" in rows[3]


def test_jobs_and_anonymous_visitors_are_named_as_such(client, admin):
    add_event("login.failed", datetime(2026, 3, 1, 9, tzinfo=UTC), None, "who@example.org")
    add_event("plugin.disabled", datetime(2026, 3, 2, 9, tzinfo=UTC), None, "plugin:lessons", None)
    client.login(admin.email)
    rows = rows_of(client.get("/admin/audit").get_data(as_text=True))
    assert rows[1].startswith("The intranet disabled the plugin Lessons")
    assert rows[2].startswith("A sign-in as who@example.org failed")


def test_times_are_shown_in_the_viewers_time_zone(client, make_user):
    viewer = make_user("admin", timezone="America/New_York")
    add_event("plugin.enabled", datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    client.login(viewer.email)
    page = client.get("/admin/audit?kind=plugin.enabled").get_data(as_text=True)
    assert "15 Jan 2026 07:00" in page


def test_filters_by_person_kind_and_period(client, admin, member):
    add_event("login", datetime(2026, 2, 10, 12, tzinfo=UTC), member)
    add_event("login", datetime(2026, 3, 10, 12, tzinfo=UTC), member)
    add_event("plugin.disabled", datetime(2026, 3, 11, 12, tzinfo=UTC), admin)
    client.login(admin.email)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert f'<option value="{member.id}">Maria Member</option>' in page
    assert '<option value="plugin.disabled">Plugin disabled</option>' in page
    page = client.get(f"/admin/audit?person={member.id}&kind=login").get_data(as_text=True)
    assert len(rows_of(page)) == 2 and "2 events" in page
    page = client.get(f"/admin/audit?person={member.id}&from=2026-03-01&to=2026-03-31").get_data(
        as_text=True
    )
    rows = rows_of(page)
    assert len(rows) == 1 and "10 Mar 2026" in rows[0]


def test_the_log_is_paginated_by_fifty_with_the_count(client, admin):
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    db.session.add_all(
        AuditEvent(action="plugin.enabled", at=start + timedelta(minutes=n), actor_id=admin.id)
        for n in range(60)
    )
    db.session.commit()
    client.login(admin.email)
    first = client.get("/admin/audit?kind=plugin.enabled").get_data(as_text=True)
    assert "60 events" in first and len(rows_of(first)) == 50
    second = client.get("/admin/audit?kind=plugin.enabled&page=2").get_data(as_text=True)
    assert len(rows_of(second)) == 10 and "1 Jan 2026 10:00" in second


def test_the_page_asks_as_many_queries_for_many_rows_as_for_few(client, admin, make_user):
    def queries() -> int:
        statements = []

        def count(*args):
            statements.append(args[2])

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/admin/audit?from=2026-01-01&to=2026-01-31").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    def add_rows(count: int) -> None:
        for n in range(count):
            actor, target = make_user("member"), make_user("member")
            at = datetime(2026, 1, 2, 9, tzinfo=UTC) + timedelta(minutes=n)
            add_event("user.created", at, actor, f"user:{target.id}", role="member")
            add_event("mail.send_again", at, actor, f"mail:{n + 1}")
            granted = [f"subgroups.group:{n + 1}", f"meetings.meeting:{n + 1}"]
            add_event("partners.grants.added", at, actor, f"user:{target.id}", resources=granted)

    client.login(admin.email)
    add_rows(2)
    few = queries()
    add_rows(10)
    assert queries() == few


def test_invalid_dates_are_reported_next_to_the_field(client, admin):
    client.login(admin.email)
    response = client.get("/admin/audit?from=2026-02-30")
    assert response.status_code == 422
    assert "Enter a date as YYYY-MM-DD" in response.get_data(as_text=True)


def test_csv_export_holds_the_filtered_events(client, admin, member):
    add_event("login", datetime(2026, 2, 10, 12, tzinfo=UTC), member, "user:1")
    add_event("plugin.disabled", datetime(2026, 3, 11, 12, tzinfo=UTC), admin, "=HYPERLINK(1)")
    client.login(admin.email)
    response = client.get("/admin/audit.csv?kind=plugin.disabled")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1
    assert rows[0]["actor"] == "Ada Admin" and rows[0]["action"] == "plugin.disabled"
    assert rows[0]["event"] == "Ada Admin (admin) disabled the plugin =HYPERLINK(1)"
    assert rows[0]["target"] == "'=HYPERLINK(1)"  # no formula injection into spreadsheets


def test_secretariat_may_read_the_log(client, make_user):
    secretariat = make_user("secretariat")
    client.login(secretariat.email)
    assert client.get("/admin/audit").status_code == 200


def test_no_route_changes_or_deletes_events(app, client, admin):
    client.login(admin.email)
    count = db.session.scalar(select(func.count()).select_from(AuditEvent))
    audit_rules = [
        rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin/audit")
    ]
    assert audit_rules
    for rule in audit_rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    event_id = db.session.scalar(select(AuditEvent.id))
    assert client.delete(f"/admin/audit/{event_id}").status_code in (404, 405)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == count
