"""Countries and organisations, maintained by the secretariat."""

from __future__ import annotations

import sqlalchemy as sa

from intranet.extensions import db
from intranet.models import Country, Organisation
from tests.query_plans import recorded


def test_cbss_member_states_and_the_eu_are_there_from_the_start(app):
    codes = set(db.session.scalars(sa.select(Country.code)))
    assert {"DK", "EE", "FI", "DE", "IS", "LV", "LT", "NO", "PL", "SE", "EU"} <= codes


def test_secretariat_adds_a_partner_country(client, make_user):
    client.login(make_user("secretariat").email)
    response = client.submit(
        "/admin/countries/new", {"code": "ua", "name": "Ukraine", "kind": "partner"}
    )
    assert response.status_code == 303
    assert db.session.get(Country, "UA").name == "Ukraine"
    assert "Ukraine" in client.get("/admin/countries").get_data(as_text=True)


def test_duplicate_country_is_refused_next_to_the_field(client, make_user):
    client.login(make_user("admin").email)
    response = client.submit(
        "/admin/countries/new", {"code": "SE", "name": "Svea", "kind": "member"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="code-error"' in page and "exists already" in page
    assert 'value="Svea"' in page


def test_secretariat_adds_and_renames_an_organisation(client, make_user):
    client.login(make_user("secretariat").email)
    client.submit(
        "/admin/organisations/new",
        {"name": "Labour Inspectorate", "kind": "authority", "country_code": "LT"},
    )
    organisation = db.session.scalar(sa.select(Organisation))
    assert (organisation.kind, organisation.country_code) == ("authority", "LT")
    response = client.submit(
        f"/admin/organisations/{organisation.id}/edit",
        {"name": "State Labour Inspectorate", "kind": "authority", "country_code": "LT"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).name == "State Labour Inspectorate"


def test_organisation_with_unknown_country_is_refused(client, make_user):
    client.login(make_user("admin").email)
    response = client.submit(
        "/admin/organisations/new", {"name": "Somewhere", "kind": "ngo", "country_code": "ZZ"}
    )
    assert response.status_code == 422
    assert 'id="country_code-error"' in response.get_data(as_text=True)


def test_members_cannot_maintain_reference_data(client, member):
    client.login(member.email)
    assert client.get("/admin/countries").status_code == 403
    assert client.get("/admin/organisations/new").status_code == 403


def test_navigation_shows_directory_to_members_and_reference_data_to_staff(
    client, member, make_user
):
    client.login(member.email)
    page = client.get("/").get_data(as_text=True)
    assert ">Directory</a>" in page and ">Delegations</a>" in page and ">Search</a>" in page
    assert ">Admin</a>" not in page and client.get("/admin/").status_code == 403
    client.submit("/logout")
    client.login(make_user("secretariat").email)
    assert ">Admin</a>" in client.get("/").get_data(as_text=True)
    page = client.get("/admin/").get_data(as_text=True)
    assert ">Countries</a>" in page and ">Organisations</a>" in page


def test_guests_see_search_but_not_the_directory_in_the_navigation(client, make_user):
    client.login(make_user("guest").email)
    page = client.get("/").get_data(as_text=True)
    assert ">Search</a>" in page and ">Directory</a>" not in page


def test_country_names_are_read_once_per_change_to_the_countries(client, make_user):
    """Every page that names a country or offers a choice of them read the whole table; it
    is read again only after a country is added or renamed."""
    client.login(make_user("secretariat").email)
    assert ">Latvia</option>" in client.get("/admin/users/new").get_data(as_text=True)
    with recorded(lambda statement: "FROM country" in statement) as read:
        assert ">Latvia</option>" in client.get("/admin/users/new").get_data(as_text=True)
    assert read == []

    db.session.get(Country, "LV").name = "Republic of Latvia"
    db.session.commit()
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert ">Republic of Latvia</option>" in page
