"""Chairmanship years: who chairs when, the rotation, bad input, the chair's rights."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from intranet.extensions import db
from intranet.platform.plugins import can
from intranet_governance import chairmanship, settings
from intranet_governance.models import ChairPeriod
from tests.plugins.governance.helpers import counted_queries


def add_period(country: str, start_year: int, people=()) -> ChairPeriod:
    start, end = chairmanship.chair_year(start_year)
    period = ChairPeriod(start=start, end=end, country_code=country, chairpersons=list(people))
    db.session.add(period)
    db.session.commit()
    return period


def count_periods() -> int:
    return db.session.scalar(select(func.count(ChairPeriod.id)))


def test_the_chair_changes_between_30_june_and_1_july(app, member, make_user):
    other = make_user("member", country_code="LV")
    add_period("SE", 2025, [member])
    add_period("LV", 2026, [other])
    assert chairmanship.is_chair(member, date(2026, 6, 30))
    assert not chairmanship.is_chair(other, date(2026, 6, 30))
    assert chairmanship.is_chair(other, date(2026, 7, 1))
    assert not chairmanship.is_chair(member, date(2026, 7, 1))


def test_the_next_years_follow_the_agreed_rotation(app, secretariat, client):
    add_period("DK", 2026)
    with app.test_request_context():
        settings.save({"rotation_order": ["SE", "DK", "FI", "EE"]})
    db.session.commit()
    client.login(secretariat.email)
    response = client.submit("/governance/chairmanship/generate", {"count": "3"})
    assert response.status_code == 303
    periods = db.session.scalars(select(ChairPeriod).order_by(ChairPeriod.start)).all()
    assert [(p.country_code, p.start, p.end) for p in periods[1:]] == [
        ("FI", date(2027, 7, 1), date(2028, 6, 30)),
        ("EE", date(2028, 7, 1), date(2029, 6, 30)),
        ("SE", date(2029, 7, 1), date(2030, 6, 30)),
    ]


def test_an_overlapping_period_is_refused(client, secretariat):
    add_period("SE", 2026)
    client.login(secretariat.email)
    response = client.submit(
        "/governance/chairmanship/new",
        {"country_code": "LV", "start": "2026-07-01", "end": "2027-06-30"},
    )
    assert response.status_code == 422
    assert "Overlaps the chairmanship of SE" in response.get_data(as_text=True)
    assert count_periods() == 1


def test_a_period_not_starting_on_1_july_needs_an_override_with_reason(client, secretariat):
    client.login(secretariat.email)
    data = {"country_code": "LV", "start": "2026-08-01", "end": "2027-06-30"}
    response = client.submit("/governance/chairmanship/new", data)
    assert response.status_code == 422
    assert "starts on 1 July" in response.get_data(as_text=True)
    assert 'value="2026-08-01"' in response.get_data(as_text=True)
    response = client.submit("/governance/chairmanship/new", {**data, "override": "y"})
    assert response.status_code == 422
    assert count_periods() == 0
    response = client.submit(
        "/governance/chairmanship/new",
        {**data, "override": "y", "override_reason": "Presidency moved by a CBSS decision"},
    )
    assert response.status_code == 303
    assert db.session.scalar(select(ChairPeriod.override_reason)) == (
        "Presidency moved by a CBSS decision"
    )


def test_the_chair_gets_the_rights_the_settings_assign(app, chair, member):
    with app.test_request_context():
        assert can(chair, "meetings.manage", roles=("secretariat",))
        assert can(chair, "meetings.minutes", roles=("secretariat",))
        assert not can(chair, "meetings.delete", roles=("secretariat",))
        assert not can(member, "meetings.manage", roles=("secretariat",))
        settings.save({"chair_actions": ["meetings.delete"]})
        db.session.commit()
    with app.test_request_context():
        assert can(chair, "meetings.delete", roles=("secretariat",))
        assert not can(chair, "meetings.manage", roles=("secretariat",))


def test_the_dashboard_widget_names_the_chair_and_announces_the_handover(client, member):
    today = datetime.now(ZoneInfo(member.timezone)).date()  # the member's today, as the widget's
    start = date(today.year - 1, today.month, 1) if today.month != 2 else date(today.year - 1, 3, 1)
    db.session.add(ChairPeriod(start=start, end=today, country_code="DK", override_reason="t"))
    db.session.commit()
    client.login(member.email)
    fragment = client.get("/governance/widgets/chair", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "<strong>Denmark</strong>" in text and "Handover" in text
    assert "<html" not in text
    page = client.get("/governance/widgets/chair").get_data(as_text=True)
    assert "<html" in page and "<strong>Denmark</strong>" in page


def test_the_chair_widget_names_the_secretariat_in_one_query(app, client, member, make_user):
    from intranet.models import Organisation

    office = Organisation(name="CBSS Secretariat", kind="other", country_code="SE")
    db.session.add(office)
    db.session.commit()
    make_user("secretariat", email="sofia@example.org", name="Sofia Sec", organisation=office)
    make_user(
        "secretariat", email="hidden@example.org", name="Hanna Hidden", email_visibility="hidden"
    )
    make_user("secretariat", email="gone@example.org", name="Gone Sec", is_active_account=False)
    with app.test_request_context(), counted_queries() as queries:
        people = chairmanship.secretariat_people()
    assert [person.name for person in people] == ["Hanna Hidden", "Sofia Sec"]
    assert len(queries) == 1
    client.login(member.email)
    page = client.get("/governance/widgets/chair", headers={"HX-Request": "true"}).get_data(True)
    assert "Sofia Sec</a>, CBSS Secretariat" in page and "mailto:sofia@example.org" in page
    assert "Hanna Hidden" in page and "hidden@example.org" not in page
    assert "Gone Sec" not in page


def test_chairpersons_are_found_by_name_and_guests_never_chair(client, secretariat, make_user):
    wanted = make_user("member", name="Kristaps Ozols")
    guest = make_user("guest", name="Kristaps Guest")
    client.login(secretariat.email)
    url = "/governance/chairmanship/new"
    assert "Kristaps" not in client.get(url).get_data(as_text=True)
    data = {"country_code": "LV", "start": "2030-07-01", "end": "2031-06-30"}
    searched = {**data, "chairpersons_q": "ozols", "chairpersons_search": "1"}
    found = client.submit(url, searched).get_data(as_text=True)
    assert f'type="checkbox" name="chairpersons" value="{wanted.id}"' in found
    assert count_periods() == 0
    client.submit(url, {**data, "chairpersons": [str(wanted.id), str(guest.id)]})
    period = db.session.scalar(select(ChairPeriod))
    assert [person.id for person in period.chairpersons] == [wanted.id]


def test_the_chairmanship_years_come_a_page_at_a_time_newest_first(client, member):
    """A rotation recorded for centuries (401 years at N=10) made one page of 290 KB."""
    db.session.add_all(
        ChairPeriod(start=date(year, 7, 1), end=date(year + 1, 6, 30), country_code="DK")
        for year in range(1970, 2030)
    )
    db.session.commit()
    client.login(member.email)
    first = client.get("/governance/chairmanship").get_data(as_text=True)
    years = re.findall(r">01 Jul (\d{4}) \u2013", first)
    assert years == [str(year) for year in range(2029, 2004, -1)]
    assert "Page 1 of 3" in first and 'href="/governance/chairmanship?page=2"' in first
    last = client.get("/governance/chairmanship?page=3").get_data(as_text=True)
    assert re.findall(r">01 Jul (\d{4}) \u2013", last) == [str(y) for y in range(1979, 1969, -1)]
