"""The member directory and delegations: what members find and how."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from intranet.directory import members as members_view
from intranet.extensions import db
from tests.directory_helpers import organisation

HX = {"HX-Request": "true"}


@pytest.fixture
def experts(make_user):
    police = organisation("National Police Board", "authority", "FI")
    ministry = organisation("Ministry of Justice", "ministry", "SE")
    ngo = organisation("Safe Harbour", "ngo", "LV")
    return {
        "aino": make_user(
            name="Aino Virtanen",
            country_code="FI",
            organisation_id=police.id,
            position="Detective inspector",
            expertise="labour exploitation, financial investigation",
        ),
        "erik": make_user(
            name="Erik Johansson",
            country_code="SE",
            organisation_id=ministry.id,
            position="Senior adviser",
            expertise="legislation, victim support",
        ),
        "ilze": make_user(
            name="Ilze Ozola",
            country_code="LV",
            organisation_id=ngo.id,
            position="Counsellor",
            expertise="victim support, shelters",
        ),
    }


def names(response) -> list[str]:
    return re.findall(r'href="/members/\d+">([^<]+)</a>', response.get_data(as_text=True))


def test_directory_lists_active_members_but_not_guests(client, member, make_user, experts):
    make_user("guest", name="Gustav Guest")
    make_user(name="Dora Deactivated", is_active_account=False)
    client.login(member.email)
    listed = names(client.get("/directory"))
    assert "Aino Virtanen" in listed and "Maria Member" in listed
    assert "Gustav Guest" not in listed and "Dora Deactivated" not in listed


def test_guests_cannot_open_the_directory(client, make_user):
    guest = make_user("guest")
    client.login(guest.email)
    assert client.get("/directory").status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("aino", ["Aino Virtanen"]),
        ("virt", ["Aino Virtanen"]),  # prefixes match while typing
        ("police", ["Aino Virtanen"]),  # organisation name
        ("latvia", ["Ilze Ozola"]),  # country name
        ("victim support", ["Erik Johansson", "Ilze Ozola"]),  # expertise
        ("adviser sweden", ["Erik Johansson"]),  # every word must match somewhere
        ("counsellor finland", []),
    ],
)
def test_directory_search_finds_members_by_any_of_their_details(
    client, member, experts, query, expected
):
    client.login(member.email)
    assert names(client.get("/directory", query_string={"q": query})) == expected


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        "*",
        "aino*",
        '"aino',
        "NEAR(a b)",
        "a NEAR b",
        "(",
        ")",
        "AND",
        "OR NOT",
        "-",
        "^aino",
        "col:aino",
        "name:aino",
        "!!!",
        "...",
        "a:*",
        "&|!",
        "\\",
        "%_",
    ],
)
def test_hostile_search_input_never_breaks_the_directory(client, member, experts, query):
    client.login(member.email)
    response = client.get("/directory", query_string={"q": query})
    assert response.status_code == 200
    assert client.get("/search", query_string={"q": query}).status_code == 200


def test_search_words_with_syntax_characters_still_match(client, member, experts):
    client.login(member.email)
    assert names(client.get("/directory", query_string={"q": '"aino" (virtanen*)'})) == [
        "Aino Virtanen"
    ]


def test_htmx_request_gets_only_the_results_fragment(client, member, experts):
    client.login(member.email)
    full = client.get("/directory?q=aino")
    fragment = client.get("/directory?q=aino", headers=HX)
    assert "<html" in full.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "Aino Virtanen" in body
    assert len(body) * 3 < len(full.get_data(as_text=True))
    assert "HX-Request" in fragment.headers.get("Vary", "")


def test_filters_live_in_the_url_and_are_kept_in_the_form(client, member, experts):
    client.login(member.email)
    response = client.get("/directory?country=LV&kind=ngo&sort=country")
    page = response.get_data(as_text=True)
    assert names(response) == ["Ilze Ozola"]
    assert '<option value="LV" selected>' in page
    assert '<option value="ngo" selected>' in page
    assert '<option value="country" selected>' in page


def test_filter_by_role_and_organisation_kind(client, member, make_user, experts):
    make_user("secretariat", name="Sofia Secretary")
    client.login(member.email)
    assert names(client.get("/directory?role=secretariat")) == ["Sofia Secretary"]
    assert names(client.get("/directory?kind=authority")) == ["Aino Virtanen"]


def test_directory_is_paginated_with_a_result_count(client, member, make_user):
    for number in range(30):
        make_user(name=f"Expert {number:02d}")
    client.login(member.email)
    first = client.get("/directory")
    assert "31 people · page 1 of 2" in first.get_data(as_text=True)
    assert len(names(first)) == 25
    second = client.get("/directory?page=2")
    assert len(names(second)) == 6
    assert 'rel="prev"' in second.get_data(as_text=True)


def test_pagination_links_keep_the_filter(client, member, make_user):
    for number in range(30):
        make_user(name=f"Expert {number:02d}", country_code="DK")
    client.login(member.email)
    page = client.get("/directory?country=DK&q=expert").get_data(as_text=True)
    link = re.search(r'rel="next"|href="([^"]*page=2[^"]*)"', page)
    assert link and "country=DK" in link.group(1) and "q=expert" in link.group(1)


def test_directory_needs_a_constant_number_of_queries(app, client, member, make_user):
    counted: list[str] = []

    def count(conn, cursor, statement, *args):
        counted.append(statement)

    def queries_for_directory() -> int:
        counted.clear()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/directory?q=expert&sort=organisation").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(counted)

    client.login(member.email)
    ministry = organisation("Ministry of the Interior", "ministry", "EE")
    make_user(name="Expert One", organisation_id=ministry.id, expertise="expert")
    client.get("/")  # a running worker has read the settings already (cached per process)
    few = queries_for_directory()
    for number in range(15):
        other = organisation(f"Authority {number}", "authority", "EE")
        make_user(name=f"Expert {number}", organisation_id=other.id, expertise="expert")
    client.get("/")  # new accounts renew the chair's banner, which any page reads again
    assert queries_for_directory() == few


def test_staff_download_the_current_filter_as_csv_with_bom(client, experts, make_user):
    staff = make_user("secretariat")
    client.login(staff.email)
    response = client.get("/directory.csv?country=FI")
    assert response.mimetype == "text/csv"
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert "Aino Virtanen" in text and "Erik Johansson" not in text
    assert text.splitlines()[0].startswith("Name,Email,Role,Country,Organisation")


def test_csv_cells_cannot_smuggle_spreadsheet_formulas(client, make_user):
    make_user(name="Eve", position='=HYPERLINK("http://evil")')
    client.login(make_user("admin").email)
    assert "'=HYPERLINK" in client.get("/directory.csv").get_data(as_text=True)


def test_members_cannot_export_the_directory(client, member):
    client.login(member.email)
    assert client.get("/directory.csv").status_code == 403


def test_delegations_show_head_counts_and_countries_without_experts(client, member, experts):
    client.login(member.email)
    page = client.get("/delegations").get_data(as_text=True)
    assert re.search(r"Finland</a></td>\s*<td[^>]*>Member state</td>\s*<td[^>]*>1</td>", page)
    assert "No expert yet from:" in page
    warning = page.split("No expert yet from:")[1].split("</p>")[0]
    assert "Denmark" in warning and "Finland" not in warning


def test_delegation_page_groups_experts_by_organisation(client, member, make_user, experts):
    other = organisation("Labour Inspectorate", "authority", "FI")
    make_user(name="Mikko Lahti", country_code="FI", organisation_id=other.id)
    client.login(member.email)
    page = client.get("/delegations/fi").get_data(as_text=True)
    assert page.index("Labour Inspectorate") < page.index("Mikko Lahti")
    assert page.index("National Police Board") < page.index("Aino Virtanen")
    assert "Erik Johansson" not in page
    assert client.get("/delegations/XX").status_code == 404


def test_lists_by_organisation_sort_ids_and_read_only_the_pages_accounts(
    client, member, make_user, monkeypatch
):
    """Sorting whole accounts by their organisation's name read every account of a country
    (25 ms for a delegation of 9,000); the order is taken from narrow rows of ids, which an
    index covers, and only the page's accounts are read, in that order."""
    monkeypatch.setattr(members_view, "DELEGATION_PAGE_SIZE", 3)
    police = organisation("Police", "authority", "EE")
    ministry = organisation("Ministry of Justice", "ministry", "EE")
    for name, place in [("Ülle Tamm", police), ("Aare Kask", None), ("Mart Saar", ministry)]:
        make_user(name=name, country_code="EE", organisation_id=place.id if place else None)
    make_user(name="Kadri Mets", country_code="EE", organisation_id=ministry.id)
    client.login(member.email)
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split()))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        first = client.get("/delegations/EE").get_data(as_text=True)
        second = client.get("/delegations/EE?page=2").get_data(as_text=True)
        listed = client.get("/directory?country=EE&sort=organisation").get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)

    def order(page: str, names: list[str]) -> list[str]:
        return sorted((name for name in names if name in page), key=page.index)

    people = ["Ülle Tamm", "Aare Kask", "Mart Saar", "Kadri Mets"]
    assert order(first, people) == ["Kadri Mets", "Mart Saar", "Ülle Tamm"]
    assert order(second, people) == ["Aare Kask"]  # no organisation: last
    assert order(listed, people) == ["Kadri Mets", "Mart Saar", "Ülle Tamm", "Aare Kask"]
    ordered = [s for s in statements if "ORDER BY organisation.name" in s]
    assert len(ordered) == 3
    assert all(s.startswith("SELECT user_account.id FROM") for s in ordered), ordered


def test_a_large_delegation_is_listed_a_page_at_a_time(
    client, member, make_user, experts, monkeypatch
):
    monkeypatch.setattr(members_view, "DELEGATION_PAGE_SIZE", 2)
    for name in ("Mikko Lahti", "Pekka Nieminen"):
        make_user(name=name, country_code="FI")
    client.login(member.email)

    first = client.get("/delegations/FI").get_data(as_text=True)
    assert "3 people" in first
    assert "Aino Virtanen" in first and "Pekka Nieminen" not in first
    assert 'href="/delegations/FI?page=2"' in first
    second = client.get("/delegations/FI?page=2").get_data(as_text=True)
    assert "Pekka Nieminen" in second and "Aino Virtanen" not in second
