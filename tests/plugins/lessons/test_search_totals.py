"""The global search says how many lessons match beyond the ten it shows ("10 of 12"), a bound
where counting would cost a scan ("more than 5"), and counts only what the reader may see."""

from __future__ import annotations

import re

import pytest

from intranet.platform import search as global_search
from intranet_lessons import search, sections


def heading(page: str) -> str:
    found = re.search(r"<h2>Lesson <span class=\"muted\">\(([^)]*)\)</span></h2>", page)
    assert found, page
    return found.group(1)


@pytest.fixture
def shelters(member, make_lesson):
    for number in range(12):
        make_lesson(member, f"Shelter practice {number}")


def test_a_full_group_says_how_many_match_and_links_to_them_all(client, member, shelters):
    client.login(member.email)
    page = client.get("/search?q=shelter").get_data(as_text=True)
    assert heading(page) == "10 of 12"
    assert 'href="/lessons/?q=shelter"' in page
    assert "All lesson results" in page


def test_a_group_that_is_not_full_counts_what_it_shows(client, member, make_lesson):
    make_lesson(member, "Shelter practice")
    client.login(member.email)
    page = client.get("/search?q=shelter").get_data(as_text=True)
    assert heading(page) == "1"
    assert "All lesson results" not in page


def test_a_common_word_reads_more_than_the_bound(client, member, shelters, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 5)
    monkeypatch.setattr(global_search, "RESULTS_PER_SOURCE", 3)
    client.login(member.email)
    page = client.get("/search?q=shelter").get_data(as_text=True)
    assert heading(page) == "3 of more than 5"


def test_the_count_leaves_out_what_the_reader_may_not_see(
    client, member, make_lesson, guest, grant, shelters, monkeypatch
):
    monkeypatch.setattr(global_search, "RESULTS_PER_SOURCE", 2)
    for number in range(2):
        make_lesson(member, f"Shelter shared {number}", sharing="partners")
    grant(guest, make_lesson(member, "Shelter granted"))
    make_lesson(member, "Shelter draft", status="draft")
    client.login(guest.email)
    assert heading(client.get("/search?q=shelter").get_data(as_text=True)) == "2 of 3"
    client.submit("/logout")
    client.login(member.email)
    assert heading(client.get("/search?q=shelter").get_data(as_text=True)) == "2 of 15"


def test_a_full_group_without_a_count_says_it_shows_the_best(client, member, shelters, monkeypatch):
    monkeypatch.setattr(sections, "search_totals", lambda query, user: [])
    client.login(member.email)
    page = client.get("/search?q=shelter").get_data(as_text=True)
    assert heading(page) == "the 10 best matches"
    assert "All lesson results" not in page
