"""Bulk invitations, the partners overview and what the plugin adds to the core's pages."""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import func, select

from intranet.extensions import db
from intranet.models import User, utcnow
from intranet.platform import plugins
from intranet.platform.demo import create_demo_data
from intranet_partners.models import Grant, Guest, Invitation
from tests.conftest import contributions
from tests.plugins.partners.conftest import ACCESS_ENDS_ON, GUEST_PASSWORD, audit_actions

ROWS = """name,email,organisation,kind
Astrid Nilsen,astrid@norden.example,Nordic Council of Ministers,Nordic Council of Ministers
Marco Rossi,not-an-email,IOM,UN agency
Olena K,olena@osce.example,OSCE,osce
Maria Member,member@example.org,Ministry,ministry
"""


def bulk_data(note_id: int, **overrides):
    data = {
        "rows": ROWS,
        "resources": [f"example.note:{note_id}"],
        "access_ends_on": ACCESS_ENDS_ON,
        "message": "Welcome",
        "step": "preview",
    }
    data.update(overrides)
    return data


def test_a_bulk_preview_shows_each_rows_problems_and_sends_nothing(
    client, secretariat, member, notes, outbox
):
    client.login(secretariat.email)
    response = client.submit("/partners/bulk", bulk_data(notes[0].id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a valid email address" in page
    assert "member of the task force" in page
    assert "2 of 4 rows are ready" in page
    assert "Send 2 invitations" in page
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    assert outbox() == []


def test_confirming_a_bulk_invitation_sends_the_valid_rows(
    client, secretariat, member, notes, outbox
):
    client.login(secretariat.email)
    response = client.submit("/partners/bulk", bulk_data(notes[0].id, step="send"))
    assert response.status_code == 303
    emails = sorted(db.session.scalars(select(Invitation.email)))
    assert emails == ["astrid@norden.example", "olena@osce.example"]
    kinds = sorted(db.session.scalars(select(Invitation.organisation_kind)))
    assert kinds == ["nordic_council", "osce"]
    assert sorted(mail["To"] for mail in outbox()) == emails


def test_a_csv_file_can_be_uploaded(client, secretariat, member, notes):
    client.login(secretariat.email)
    upload = (io.BytesIO(("\ufeff" + ROWS).encode("utf-8")), "people.csv")
    response = client.submit(
        "/partners/bulk",
        bulk_data(notes[0].id, rows="", upload=upload),
        content_type="multipart/form-data",
    )
    assert "2 of 4 rows are ready" in response.get_data(as_text=True)


def test_a_bulk_invitation_to_something_unseen_is_refused(client, secretariat, notes):
    client.login(secretariat.email)
    response = client.submit(
        "/partners/bulk", bulk_data(notes[0].id, resources=["subgroups.group:3"], step="send")
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    assert "partners.invitation.refused" in audit_actions()


def test_the_overview_lists_organisations_and_exports_csv(client, guest_client, secretariat):
    client.login(secretariat.email)
    page = client.get("/partners/organisations").get_data(as_text=True)
    assert "Baltic NGO Network" in page and "Nora Partner" in page
    assert "Note: Shared with partners" in page
    export = client.get("/partners/organisations.csv")
    assert export.mimetype == "text/csv"
    text = export.get_data().decode("utf-8")
    assert text.startswith("\ufeffOrganisation,Kind,Guest")
    assert "Baltic NGO Network,NGO,Nora Partner,nora@ngo.example,Sofia Secretariat" in text


def exported_rows(client) -> list[list[str]]:
    export = client.get("/partners/organisations.csv").get_data(as_text=True)
    return list(csv.reader(io.StringIO(export.lstrip("\ufeff"))))


def test_the_overview_and_its_export_say_what_each_guest_is_engaged_in(
    client, guest_client, notes, secretariat
):
    guest = db.session.scalar(select(User).where(User.email == "nora@ngo.example"))
    client.login(secretariat.email)
    client.submit(
        f"/partners/guests/{guest.id}/grants", {"resources": [f"example.note:{notes[1].id}"]}
    )
    engaged = "Note: Shared with partners; Note: Members only"
    rows = exported_rows(client)
    assert rows[0][-1] == "Engaged in"
    assert rows[1][2] == "Nora Partner" and rows[1][-1] == engaged
    tracking = client.get("/partners/").get_data(as_text=True)
    assert "Note: Shared with partners, Note: Members only" in tracking
    assert "Note: Members only" in client.get(f"/partners/guests/{guest.id}").get_data(as_text=True)


def test_the_export_cannot_smuggle_a_formula_into_a_spreadsheet(client, invite, new_client, notes):
    link = invite([notes[0].id], organisation="=HYPERLINK(1)", name="+Mallory")
    new_client().submit(link, {"password": GUEST_PASSWORD, "confirm": GUEST_PASSWORD})
    client.login("sofia@example.org")
    rows = exported_rows(client)
    assert rows[1][0] == "'=HYPERLINK(1)" and rows[1][2] == "'+Mallory"


def test_the_widget_is_a_fragment_for_htmx_and_a_page_otherwise(client, invite, notes, secretariat):
    invite([notes[0].id])
    client.login(secretariat.email)
    fragment = client.get("/partners/widget", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Nora Partner" in fragment.get_data(as_text=True)
    full = client.get("/partners/widget").get_data(as_text=True)
    assert "<html" in full and "Nora Partner" in full
    assert "Partners</a>" in client.get("/").get_data(as_text=True)


def test_a_guest_sees_its_own_access_on_the_dashboard(guest_client):
    dashboard = guest_client.get("/").get_data(as_text=True)
    assert "My access</a>" in dashboard and "Partners</a>" not in dashboard
    fragment = guest_client.get("/partners/widget", headers={"HX-Request": "true"})
    assert "Shared with partners" in fragment.get_data(as_text=True)


def test_profile_and_report_sections(guest_client, secretariat, member):
    guest = db.session.scalar(select(User).where(User.email == "nora@ngo.example"))
    sections = contributions(
        "partners", "intranet_profile_sections", member=guest, viewer=secretariat
    )
    assert sections[0].title == "Partner access"
    labels = [label for label, _ in sections[0].items]
    assert "Sponsor: Sofia Secretariat" in labels
    assert "Access to Note: Shared with partners" in labels
    assert contributions("partners", "intranet_profile_sections", member=guest, viewer=member) == []

    report = plugins.collect(
        "intranet_report_sections", start=date(2000, 1, 1), end=date(2099, 1, 1), user=secretariat
    )
    partners = next(section for section in report if section.title == "Partner organisations")
    assert partners.rows == [["Baltic NGO Network", "NGO", "1", "Note: Shared with partners"]]


def test_the_report_names_a_few_of_what_an_organisation_engaged_in(guest_client, secretariat):
    guest = db.session.scalar(select(User).where(User.email == "nora@ngo.example"))
    db.session.add_all(
        Grant(guest_id=guest.id, resource_kind="example.note", resource_id=100 + n, label=label)
        for n, label in enumerate(f"Note {n:02}" for n in range(1, 8))
    )
    db.session.commit()
    report = plugins.collect(
        "intranet_report_sections", start=date(2000, 1, 1), end=date(2099, 1, 1), user=secretariat
    )
    partners = next(section for section in report if section.title == "Partner organisations")
    assert partners.rows == [
        [
            "Baltic NGO Network",
            "NGO",
            "1",
            "Note 01; Note 02; Note 03; Note 04; Note 05 and 3 more",
        ]
    ]


def test_personal_data_export_and_erasure(guest_client):
    guest = db.session.scalar(select(User).where(User.email == "nora@ngo.example"))
    data = plugins.results("intranet_personal_data", user=guest)
    partners_data = dict(data)["partners"]
    assert partners_data["guest"]["organisation"] == "Baltic NGO Network"
    assert partners_data["grants"][0]["label"] == "Note: Shared with partners"
    [received] = partners_data["invitations_received"]
    assert received["email"] == "nora@ngo.example" and received["state"] == "accepted"
    sponsor = db.session.get(User, partners_data["guest"]["sponsor_id"])
    sponsored = dict(plugins.results("intranet_personal_data", user=sponsor))["partners"]
    assert [i["organisation"] for i in sponsored["invitations_sent"]] == ["Baltic NGO Network"]
    assert sponsored["guests_sponsored"] == [guest.id]
    plugins.notify_event("intranet_erase_personal_data", user=guest)
    db.session.commit()
    assert db.session.get(Guest, guest.id) is None
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_demo_data_has_partner_guests_and_invitations(app, notes):
    create_demo_data()
    organisations = set(db.session.scalars(select(Guest.organisation)))
    assert "Nordic Council of Ministers" in organisations
    assert any("IOM" in name for name in organisations)
    assert any("OSCE" in name for name in organisations)
    states = sorted(invitation.state for invitation in db.session.scalars(select(Invitation)))
    assert states == ["expired", "pending"]


def test_the_partners_page_lists_guests_a_page_at_a_time(client, secretariat):
    from intranet_partners.views.common import PAGE_SIZE
    from tests.partner_helpers import make_guest

    for number in range(PAGE_SIZE + 2):
        make_guest(f"Guest{number:03d}", secretariat, [])
    client.login(secretariat.email)

    first = client.get("/partners/").get_data(as_text=True)
    assert f"({PAGE_SIZE + 2})" in first
    assert first.count("@partner.example") == PAGE_SIZE
    second = client.get("/partners/?guests=2").get_data(as_text=True)
    assert second.count("@partner.example") == 2
    assert f"guest{PAGE_SIZE + 1:03d}@partner.example" in second


def test_the_partners_page_lists_guests_by_end_of_access_then_name(client, secretariat):
    """Those whose access ends first come first, the same day by name (not by when they were
    invited), and guests whose access has ended come last."""
    from tests.partner_helpers import make_guest

    for name, days_left in (("Zoe Late", 90), ("Yann Soon", 10), ("Adam Late", 90)):
        make_guest(name, secretariat, [], days_left=days_left)
    ended = make_guest("Aaron Ended", secretariat, [], days_left=5)
    db.session.get(Guest, ended.id).ended_at = utcnow()
    db.session.commit()
    client.login(secretariat.email)
    page = client.get("/partners/").get_data(as_text=True)
    order = [page.index(f"{first}@partner.example") for first in ("yann", "adam", "zoe", "aaron")]
    assert order == sorted(order)
