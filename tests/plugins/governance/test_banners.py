"""The banners under the header: the chair, the handover month, the mandate's end."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import time_machine
from sqlalchemy import delete, select

from intranet.extensions import db
from intranet.models import Country, User
from intranet_governance import intranet_banners
from intranet_governance.models import ChairPeriod, MandatePeriod, chairperson_table
from tests.conftest import contributions
from tests.plugins.governance.helpers import counted_queries


def banners_for(app, user) -> list:
    with app.test_request_context():
        return contributions("governance", "intranet_banners", user=user)


def banner_queries(app, user) -> list[str]:
    """The statements the plugin's own banner hook runs (the plugin manager's left out)."""
    with app.test_request_context(), counted_queries() as queries:
        intranet_banners(user)
    return queries


def test_everyone_but_guests_sees_the_chair_linking_to_governance(
    app, client, chair, member, make_user
):
    [banner] = banners_for(app, member)
    assert banner.text == "Chair: Sweden (Carl Chair)."
    assert banner.url == "/governance/" and banner.level == "info"
    assert banners_for(app, make_user("guest")) == []
    client.login(member.email)
    assert "Chair: Sweden (Carl Chair)." in client.get("/").get_data(True)


def test_the_last_month_announces_the_handover_to_the_next_country(app, member, make_user):
    today = date.today()
    successor = make_user("member", name="Liga Latvia", country_code="LV")
    db.session.add_all(
        [
            ChairPeriod(
                start=today - timedelta(days=300),
                end=today + timedelta(days=10),
                country_code="SE",
                chairpersons=[member],
            ),
            ChairPeriod(
                start=today + timedelta(days=11),
                end=today + timedelta(days=376),
                country_code="LV",
                chairpersons=[successor],
            ),
        ]
    )
    db.session.commit()
    handover = today + timedelta(days=11)
    texts = [banner.text for banner in banners_for(app, member)]
    assert texts == [
        "Chair: Sweden (Maria Member).",
        f"Chair handover on {handover.day} {handover:%B} to Latvia.",
    ]
    assert banner_queries(app, member) == []  # kept until the chair or the day changes


def test_no_handover_notice_before_the_last_month(app, chair, member):
    assert not any("handover" in banner.text for banner in banners_for(app, member))


def test_the_secretariat_is_warned_of_the_mandate_end_kept_until_it_changes(
    app, chair, secretariat, member
):
    today = date.today()
    mandate = MandatePeriod(start=today - timedelta(days=400), end=today + timedelta(days=90))
    db.session.add(mandate)
    db.session.commit()
    banners = banners_for(app, secretariat)
    assert banner_queries(app, secretariat) == []  # kept until a mandate or the day changes
    warning = banners[-1]
    assert warning.level == "warning" and "final report" in warning.text
    assert warning.url == f"/governance/reports/new?basis=mandate:{mandate.id}"
    assert all(banner.level == "info" for banner in banners_for(app, member))

    mandate.end = today + timedelta(days=60)  # brought forward: shown on the next page
    db.session.commit()
    end = mandate.end
    assert banners_for(app, secretariat)[-1].text.startswith(
        f"The mandate ends on {end.day} {end:%B %Y}"
    )


def test_no_mandate_warning_outside_the_window(app, secretariat):
    today = date.today()
    db.session.add(MandatePeriod(start=today - timedelta(days=10), end=today + timedelta(days=900)))
    db.session.commit()
    assert banners_for(app, secretariat) == []


def test_the_chair_banner_kept_between_pages_shows_every_change_on_the_next_page(
    client, chair, member, make_user
):
    """The banner is kept in each worker: a new chairperson, a renamed one, a renamed
    country, a chairperson erased (a statement on the association table), the period's end
    and the next day must each show on the next page."""
    client.login(member.email)

    def banner() -> str:
        page = client.get("/").get_data(as_text=True)
        return next((line.strip() for line in page.splitlines() if "Chair: " in line), "")

    assert "Chair: Sweden (Carl Chair)." in banner()
    other = make_user("member", name="Anna Other")
    assert "Chair: Sweden (Carl Chair)." in banner()  # a new account changes no chair
    period = db.session.scalars(select(ChairPeriod)).one()
    period.chairpersons.append(other)
    db.session.commit()
    assert "Chair: Sweden (Anna Other, Carl Chair)." in banner()
    chair.name = "Carla Chair"
    db.session.commit()
    assert "Chair: Sweden (Anna Other, Carla Chair)." in banner()
    db.session.get(Country, "SE").name = "Kingdom of Sweden"
    db.session.commit()
    assert "Chair: Kingdom of Sweden (Anna Other, Carla Chair)." in banner()
    db.session.execute(delete(chairperson_table).where(chairperson_table.c.user_id == chair.id))
    db.session.commit()
    assert "Chair: Kingdom of Sweden (Anna Other)." in banner()

    last_day = datetime(period.end.year, period.end.month, period.end.day, 12)
    with time_machine.travel(last_day - timedelta(days=31)):
        client.login(member.email)  # a session from months ago would have expired
        assert "Chair handover on" not in client.get("/").get_data(as_text=True)
    with time_machine.travel(last_day):
        client.login(member.email)
        assert "Chair: Kingdom of Sweden (Anna Other)." in banner()
        assert "Chair handover on" in client.get("/").get_data(as_text=True)
        period.end -= timedelta(days=1)
        db.session.commit()
        assert banner() == ""
    assert db.session.get(User, chair.id).name == "Carla Chair"
