"""The partner organisations overview stays one page long however many guests there are."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from intranet.extensions import db
from intranet.models import User, utcnow
from intranet_partners import reports
from intranet_partners.models import Grant, Guest
from intranet_partners.views import overview
from tests.query_plans import recorded


def add_guests(make_user, sponsor, organisation: str, count: int, ended: int = 0) -> None:
    for number in range(count):
        person = make_user("guest", name=f"{organisation} guest {number:02d}")
        db.session.add_all(
            [
                Guest(
                    user_id=person.id,
                    organisation=organisation,
                    organisation_kind="ngo",
                    sponsor_id=sponsor.id,
                    access_ends_on=(utcnow() + timedelta(days=90)).date(),
                    ended_at=utcnow() if number < ended else None,
                ),
                Grant(
                    guest_id=person.id,
                    resource_kind="notes.note",
                    resource_id=number,
                    label=f"Note {number:02d}",
                ),
            ]
        )
    db.session.commit()


def test_the_organisations_come_a_page_at_a_time(client, make_user, secretariat, monkeypatch):
    monkeypatch.setattr(overview, "PAGE_SIZE", 2)
    for organisation in ("Caritas", "Anti-Slavery Bureau", "Baltic NGO Network"):
        add_guests(make_user, secretariat, organisation, 1)
    client.login(secretariat.email)

    first = client.get("/partners/organisations").get_data(as_text=True)
    assert "Anti-Slavery Bureau" in first and "Baltic NGO Network" in first
    assert "Caritas" not in first
    assert 'href="/partners/organisations?page=2"' in first
    second = client.get("/partners/organisations?page=2").get_data(as_text=True)
    assert "Caritas guest 00" in second and "Baltic NGO Network" not in second


def test_an_organisation_names_its_first_guests_and_counts_the_others(
    client, make_user, secretariat
):
    extra = 3
    add_guests(make_user, secretariat, "Caritas", reports.GUESTS_SHOWN + extra, ended=1)
    client.login(secretariat.email)

    page = client.get("/partners/organisations").get_data(as_text=True)
    assert 'Caritas guest 00 <span class="muted">(ended)</span>' in page
    assert f"Caritas guest {reports.GUESTS_SHOWN - 1:02d}" in page
    assert f"Caritas guest {reports.GUESTS_SHOWN:02d}" not in page
    assert f" and {extra} more" in page
    assert f"{reports.GUESTS_SHOWN + extra} guests, 1 of them ended" in page
    # What the active guests are engaged in: the ended guest's note is left out.
    assert "Note 00" not in page
    assert f"Note 0{reports.LABELS_SHOWN}" in page
    assert f"Note 0{reports.LABELS_SHOWN + 1}" not in page
    assert f" and {reports.GUESTS_SHOWN + extra - 1 - reports.LABELS_SHOWN} more" in page


def test_the_organisations_summaries_follow_every_change_to_guests_grants_and_names(
    client, make_user, secretariat
):
    """The guests' names and engagements of a page are kept per worker (ORGANISATIONS_STAMP):
    a new grant, an ended guest, a renamed guest and a new guest each show on the next view."""
    add_guests(make_user, secretariat, "Caritas", 2)
    client.login(secretariat.email)

    def page() -> str:
        return client.get("/partners/organisations").get_data(as_text=True)

    assert "Caritas guest 01" in page() and "Note 01" in page()
    first = db.session.scalar(
        select(Guest).join(User, User.id == Guest.user_id).where(User.name == "Caritas guest 00")
    )
    steps = [
        (
            lambda: db.session.add(
                Grant(
                    guest_id=first.user_id,
                    resource_kind="notes.note",
                    resource_id=99,
                    label="Fresh grant",
                )
            ),
            "Fresh grant",
        ),
        (lambda: setattr(first.user, "name", "Renamed guest"), "Renamed guest"),
        (
            lambda: setattr(first, "ended_at", utcnow()),
            'Renamed guest <span class="muted">(ended)</span>',
        ),
        (lambda: add_guests(make_user, secretariat, "Caritas", 3), "5 guests, 1 of them ended"),
    ]
    for change, shown in steps:
        assert shown not in page()
        change()
        db.session.commit()
        assert shown in page(), shown


def test_the_organisations_summaries_are_read_once_per_change(client, make_user, secretariat):
    add_guests(make_user, secretariat, "Caritas", 2)
    client.login(secretariat.email)
    client.get("/partners/organisations")
    with recorded(lambda statement: "partners_grant" in statement) as sent:
        assert "Note 01" in client.get("/partners/organisations").get_data(as_text=True)
    assert sent == []
