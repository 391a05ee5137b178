"""A directory search finds its members in one of two ways, by how many match: the few matches
of a rare word are found through the full-text index and then sorted, a common word's are read
in the list's order. Both give the same members, in the same order, with the same total."""

from __future__ import annotations

import itertools

import pytest

from intranet.directory import listing
from intranet.extensions import db
from intranet.models import Organisation

QUERIES = ["trafficking", "traff labour", "ngo", "sweden", "nobody-has-this"]
FILTERS = [{}, {"country": "SE"}, {"kind": "ngo"}, {"role": "secretariat"}]
SORTS = ["name", "country", "organisation"]


@pytest.fixture
def people(app, make_user):
    with app.app_context():
        ngo = Organisation(name="Baltic NGO Network", kind="ngo", country_code="SE")
        ministry = Organisation(name="Ministry of Justice", kind="ministry", country_code="FI")
        db.session.add_all([ngo, ministry])
        db.session.flush()
        for number, (country, organisation, role, expertise) in enumerate(
            itertools.product(
                ["SE", "FI", "LT"],
                [ngo, ministry, None],
                ["member", "secretariat"],
                ["trafficking for labour", "child protection"],
            )
        ):
            make_user(
                role,
                name=f"{chr(90 - number % 26)}ora Person {number:02d}",
                country_code=country,
                organisation_id=organisation.id if organisation else None,
                expertise=expertise,
            )
        make_user("member", name="Gone Person", expertise="trafficking", is_active_account=False)
        make_user("guest", name="Guest Person", expertise="trafficking")


def listing_of(query: str, filters: dict, sort: str) -> tuple[int, list[str]]:
    directory_filter = listing.DirectoryFilter(q=query, sort=sort, **filters)
    statement = directory_filter.statement()
    total = directory_filter.count(statement)
    return total, [user.name for user in db.session.scalars(statement.limit(25))]


def test_both_ways_list_the_same_members_in_the_same_order(app, people, monkeypatch):
    # counted each time: the counts and the choice of way are otherwise kept per filter
    monkeypatch.setattr(listing.stamps, "cached", lambda name, key, compute, until=None: compute())
    with app.test_request_context():
        for query, filters, sort in itertools.product(QUERIES, FILTERS, SORTS):
            monkeypatch.setattr(listing, "FEW", 10_000)
            found_first = listing_of(query, filters, sort)
            monkeypatch.setattr(listing, "FEW", 0)
            read_in_order = listing_of(query, filters, sort)
            assert found_first == read_in_order, (query, filters, sort)
        monkeypatch.setattr(listing, "FEW", 10_000)
        total, names = listing_of("trafficking", {"country": "SE", "kind": "ngo"}, "name")
        assert total == 2 and names == sorted(names)
        assert "Gone Person" not in names and "Guest Person" not in names


def test_a_rare_word_is_found_first_and_a_common_one_read_in_order(app, people, monkeypatch):
    monkeypatch.setattr(listing.stamps, "cached", lambda name, key, compute, until=None: compute())
    with app.test_request_context():
        monkeypatch.setattr(listing, "FEW", 5)
        assert listing.DirectoryFilter(q="nobody-has-this").statement() is not None
        rare = listing.DirectoryFilter(q="nobody")
        rare.statement()
        assert rare.hits is not None
        common = listing.DirectoryFilter(q="trafficking")
        common.statement()
        assert common.hits is None
        # a common word in a narrow filter: few hits, found first
        narrowed = listing.DirectoryFilter(q="trafficking", country="SE", kind="ngo")
        narrowed.statement()
        assert narrowed.hits is not None
