"""The audit log page: newest first, filters, times in the viewer's zone, CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from sqlalchemy import func, select

from intranet.extensions import db
from intranet.models import AuditEvent


def add_event(action, at, actor=None, target=None, **details):
    db.session.add(
        AuditEvent(
            action=action,
            at=at,
            actor_id=actor.id if actor else None,
            target=target,
            ip="192.0.2.7",
            details=details,
        )
    )
    db.session.commit()


def rows_of(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.split("<tr>")[1:]


def test_log_lists_newest_first_with_actor_target_ip_and_details(client, admin, member):
    add_event("user.role_changed", datetime(2026, 3, 1, 9, tzinfo=UTC), admin, "user:7", new="x")
    add_event("plugin.enabled", datetime(2026, 3, 2, 9, tzinfo=UTC), admin, "plugin:meetings")
    client.login(admin.email)
    page = client.get("/admin/audit").get_data(as_text=True)
    rows = rows_of(page)
    assert "login" in rows[0]  # the admin's own sign-in just now
    assert "plugin.enabled" in rows[1] and "user.role_changed" in rows[2]
    assert "Ada Admin" in rows[1] and "plugin:meetings" in rows[1] and "192.0.2.7" in rows[1]
    assert "new: x" in rows[2]


def test_times_are_shown_in_the_viewers_time_zone(client, make_user):
    viewer = make_user("admin", timezone="America/New_York")
    add_event("plugin.enabled", datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    client.login(viewer.email)
    page = client.get("/admin/audit?action=plugin.enabled").get_data(as_text=True)
    assert "2026-01-15 07:00:00" in page


def test_filters_by_actor_action_and_period(client, admin, member):
    add_event("login", datetime(2026, 2, 10, 12, tzinfo=UTC), member)
    add_event("login", datetime(2026, 3, 10, 12, tzinfo=UTC), member)
    add_event("plugin.disabled", datetime(2026, 3, 11, 12, tzinfo=UTC), admin)
    client.login(admin.email)
    page = client.get("/admin/audit?actor=maria&action=login").get_data(as_text=True)
    assert len(rows_of(page)) == 2 and "2 events" in page
    page = client.get("/admin/audit?actor=maria&from=2026-03-01&to=2026-03-31").get_data(
        as_text=True
    )
    rows = rows_of(page)
    assert len(rows) == 1 and "2026-03-10" in rows[0]


def test_period_end_date_is_inclusive_in_the_viewers_zone(client, admin):
    # 23:30 in Stockholm on 31 March is 21:30 UTC.
    add_event("plugin.enabled", datetime(2026, 3, 31, 21, 30, tzinfo=UTC))
    add_event("plugin.enabled", datetime(2026, 3, 31, 22, 30, tzinfo=UTC))  # 1 April locally
    client.login(admin.email)
    page = client.get("/admin/audit?action=plugin.enabled&to=2026-03-31").get_data(as_text=True)
    assert len(rows_of(page)) == 1


def test_invalid_dates_are_reported_next_to_the_field(client, admin):
    client.login(admin.email)
    response = client.get("/admin/audit?from=2026-02-30")
    assert response.status_code == 422
    assert "Enter a date as YYYY-MM-DD" in response.get_data(as_text=True)


def test_csv_export_holds_the_filtered_events(client, admin, member):
    add_event("login", datetime(2026, 2, 10, 12, tzinfo=UTC), member, "user:1")
    add_event("plugin.disabled", datetime(2026, 3, 11, 12, tzinfo=UTC), admin, "=HYPERLINK(1)")
    client.login(admin.email)
    response = client.get("/admin/audit.csv?action=plugin.disabled")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1
    assert rows[0]["actor"] == "Ada Admin" and rows[0]["action"] == "plugin.disabled"
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
