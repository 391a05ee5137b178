"""Lists of lessons stay one page long however many lessons there are."""

from __future__ import annotations

import re
from datetime import timedelta

from intranet.extensions import db
from intranet.models import utcnow
from intranet.platform import search as global_search
from intranet_lessons import search as finder
from intranet_lessons.search import FACET_TOP
from intranet_lessons.views.browse import REVIEW_PAGE_SIZE
from intranet_lessons.views.public import PUBLIC_PAGE_SIZE
from tests.conftest import contributions
from tests.query_plans import recorded


def test_the_public_lessons_come_a_page_at_a_time(client, member, make_lesson):
    for number in range(PUBLIC_PAGE_SIZE + 3):
        make_lesson(member, f"Public lesson number {number:02d}", sharing="public")

    first = client.get("/lessons/public").get_data(as_text=True)
    assert first.count('class="lesson-item"') == PUBLIC_PAGE_SIZE
    assert 'href="/lessons/public?page=2"' in first
    second = client.get("/lessons/public?page=2").get_data(as_text=True)
    assert second.count('class="lesson-item"') == 3


def test_the_review_card_shows_the_longest_waiting_and_pages_to_the_rest(
    client, secretariat, member, make_lesson
):
    for number in range(REVIEW_PAGE_SIZE + 2):
        make_lesson(member, f"Awaiting review number {number:02d}", status="submitted")
    client.login(secretariat.email)

    card = client.get("/lessons/widgets/review", headers={"HX-Request": "true"})
    text = card.get_data(as_text=True)
    assert text.count("Awaiting review number") == REVIEW_PAGE_SIZE
    assert f"{REVIEW_PAGE_SIZE + 2} lessons await your review" in text
    assert 'href="/lessons/widgets/review?page=2"' in text
    rest = client.get("/lessons/widgets/review?page=2").get_data(as_text=True)
    assert rest.count("Awaiting review number") == 2


def test_a_facet_lists_its_most_frequent_values_and_more_on_demand(client, member, make_lesson):
    for number in range(FACET_TOP + 2):
        make_lesson(member, f"Tagged {number}", tags=[f"topic{number:02d}", "common"])
    client.login(member.email)

    page = client.get("/lessons/").get_data(as_text=True)
    tags = page.split("<h2>Tag</h2>")[1].split("</section>")[0]
    assert tags.count("tag=") == FACET_TOP
    assert 'href="/lessons/?more=tag"' in tags
    chosen = client.get("/lessons/?tag=common&tag=topic11").get_data(as_text=True)
    chosen_tags = chosen.split("<h2>Tag</h2>")[1].split("</section>")[0]
    assert "✓ topic11" in chosen_tags  # chosen, though not among the most frequent
    assert "topic10<" not in chosen_tags
    more = client.get("/lessons/?more=tag").get_data(as_text=True)
    assert more.split("<h2>Tag</h2>")[1].split("</section>")[0].count("tag=") == FACET_TOP + 3


def test_a_very_common_word_ranks_the_newest_matches_and_says_there_are_more(
    app, client, member, make_lesson, monkeypatch
):
    monkeypatch.setattr(finder, "CANDIDATES", 3)
    make_lesson(member, "Shelter first", summary="The oldest lesson about a shelter")
    for number in range(4):
        make_lesson(member, f"Newer lesson {number}", summary="Victims found a shelter")
    client.login(member.email)

    page = client.get("/lessons/?q=shelter").get_data(as_text=True)
    assert "More than 3 lessons" in page
    assert "Shelter first" not in page  # the best title, but not among the newest matches
    assert page.count('class="lesson-item"') == 4  # the bound and the one that tells of more
    with app.test_request_context():
        found = contributions("lessons", "intranet_search", query="shelter", user=member, limit=10)
    assert [result.title for result in found] == [f"Newer lesson {n}" for n in (3, 2, 1, 0)]


def test_words_too_common_to_rank_list_their_matches_newest_first(
    client, member, make_lesson, monkeypatch
):
    """Words held by more than CANDIDATES lessons are not rated (bm25 would count every lesson
    holding them): their matches come newest first, also when a filter leaves few, and the
    page says so. Such a word is taken as typed, not also as the beginning of longer words.
    Whether words are that common is counted once until the lessons change."""
    monkeypatch.setattr(finder, "CANDIDATES", 3)
    make_lesson(member, "Shelter shelter shelter", summary="A shelter", countries=["LT"])
    for number in range(3):
        make_lesson(member, f"Newer lesson {number}", summary="Found a shelter", countries=["SE"])
    make_lesson(member, "Shelterless families", summary="Housing", countries=["SE"])
    make_lesson(member, "Newest lesson", summary="Victims found a shelter", countries=["LT"])
    client.login(member.email)

    def rating(statement: str) -> bool:
        return "bm25(" in statement or "ts_rank(" in statement

    with recorded(rating) as rated:
        page = client.get("/lessons/?q=shelter&country=LT").get_data(as_text=True)
    assert rated == []
    assert "2 lessons for “shelter”, newest first" in page
    assert page.index("Newest lesson") < page.index("Shelter shelter shelter")

    def bounded_count(statement: str) -> bool:
        return statement.startswith("SELECT count(*)") and "LIMIT" in statement

    with recorded(bounded_count) as counted:
        page = client.get("/lessons/?q=shelter").get_data(as_text=True)
    assert counted == []
    assert "newest first" in page
    assert "Shelterless" not in page

    monkeypatch.setattr(finder, "CANDIDATES", 6)  # as many as hold the word or begin with it
    make_lesson(member, "Another lesson", summary="No word in common")  # the lessons change
    with recorded(rating) as rated:
        page = client.get("/lessons/?q=shelter&country=LT").get_data(as_text=True)
    assert len(rated) == 1
    assert "newest first" not in page
    assert page.index("Shelter shelter shelter") < page.index("Newest lesson")
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL matches whole words only
    assert "Shelterless families" in client.get("/lessons/?q=shelter").get_data(as_text=True)

    monkeypatch.setattr(finder, "CANDIDATES", 5)  # the word is not that common, its prefix is
    make_lesson(member, "Yet another lesson", summary="Nothing in common")
    page = client.get("/lessons/?q=shelter").get_data(as_text=True)
    assert "Shelterless families" in page
    assert "newest first" in page


def test_a_search_under_the_bound_ranks_and_counts_every_match(client, member, make_lesson):
    make_lesson(member, "Shelter first", summary="The oldest lesson about a shelter")
    for number in range(4):
        make_lesson(member, f"Newer lesson {number}", summary="Victims found a shelter")
    client.login(member.email)

    page = client.get("/lessons/?q=shelter").get_data(as_text=True)
    assert "5 lessons" in page
    assert page.split('class="lesson-item"')[1].count("Shelter first") == 1  # the title ranks


def test_the_public_count_is_kept_until_a_lesson_changes(client, member, make_lesson):
    from sqlalchemy import event

    for number in range(PUBLIC_PAGE_SIZE):
        make_lesson(member, f"Public lesson number {number:02d}", sharing="public")
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client.get("/lessons/public")
    statements.clear()
    assert 'href="/lessons/public?page=2"' not in client.get("/lessons/public").get_data(
        as_text=True
    )
    assert not [s for s in statements if "count(" in s.lower() and "lessons_lesson" in s]
    make_lesson(member, "One public lesson more", sharing="public")
    assert 'href="/lessons/public?page=2"' in client.get("/lessons/public").get_data(as_text=True)


def test_newest_published_lists_start_past_the_undated_drafts(client, member, make_lesson):
    """PostgreSQL sorts undated lessons first in a descending order: the newest-published
    lists say that a published lesson has a date, so the index scan starts past the drafts."""
    from sqlalchemy import event

    make_lesson(member, "Published one")
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client.login(member.email)
    for url in ("/lessons/widgets/recent", "/lessons/public", f"/members/{member.id}"):
        statements.clear()
        assert client.get(url).status_code == 200
        ordered = [s for s in statements if "ORDER BY lessons_lesson.published_at DESC" in s]
        assert ordered, url
        assert all("lessons_lesson.published_at IS NOT NULL" in s for s in ordered), url


def test_a_search_finds_its_matches_once_for_the_page_its_counts_and_its_total(
    client, member, make_lesson
):
    """The matches of a common word are read row by row (9 ms at N=10): the lessons page (its
    page and facets) and the global search (its results and total) each read them once."""
    for number in range(global_search.RESULTS_PER_SOURCE + 2):  # more than fit: a total
        make_lesson(member, f"Shelter lesson {number}", summary="Victims found a shelter")
    client.login(member.email)

    def ranking(statement: str) -> bool:
        ranks = "ts_rank(" in statement or "bm25(" in statement
        return ranks and "lessons_lesson" in statement

    for url in ("/lessons/?q=shelter", "/search?q=shelter"):
        with recorded(ranking) as sent:
            page = client.get(url).get_data(as_text=True)
        assert "lesson 3" in page  # the search marks the word it found
        assert "more than" in page or "of 12" in page or "12 lessons" in page
        assert len(sent) == 1, (url, sent)


def test_equally_good_matches_come_newest_published_first(client, member, make_lesson):
    """Ties in the rank go to the lesson published last, then to the newer one, as in every
    list of lessons: a lesson written long ago and published today comes first."""
    today = utcnow()
    make_lesson(member, "Shelter rules", summary="Rules", published_at=today)
    make_lesson(member, "Shelter rules", summary="Rules", published_at=today - timedelta(days=9))
    make_lesson(member, "Shelter rules", summary="Rules", status="submitted", published_at=None)
    client.login(member.email)

    page = client.get("/lessons/?q=shelter").get_data(as_text=True)
    ids = [int(found) for found in re.findall(r'href="/lessons/(\d+)"', page)]
    first, second, draft = sorted(set(ids))
    assert [i for i in dict.fromkeys(ids) if i in (first, second, draft)] == [draft, first, second]


def test_a_search_page_past_the_last_shows_the_last(client, member, make_lesson):
    for number in range(finder.PAGE_SIZE + 2):
        make_lesson(member, f"Shelter lesson {number:02d}", summary="Victims found a shelter")
    client.login(member.email)

    last = client.get("/lessons/?q=shelter&page=2").get_data(as_text=True)
    beyond = client.get("/lessons/?q=shelter&page=99").get_data(as_text=True)

    assert last.count('class="lesson-item"') == beyond.count('class="lesson-item"') == 2
    assert "Shelter lesson 00" in beyond and "Shelter lesson 01" in beyond


def test_a_list_reads_only_what_it_shows_of_its_lessons(client, member, make_lesson):
    """The list shows each lesson's countries, never its author or initiatives: those are not
    read for the page (a join of every author's account, a statement of initiatives)."""
    for number in range(3):
        make_lesson(member, f"Listed lesson {number}", countries=["LT", "SE"])
    client.login(member.email)
    for url in ("/lessons/", "/lessons/?q=listed"):
        with recorded(lambda statement: "lessons_lesson" in statement) as statements:
            page = client.get(url).get_data(as_text=True)
        assert page.count('class="lesson-item"') == 3
        assert "Lithuania, Sweden" in page
        read = [s for s in statements if "lessons_lesson.title" in s]
        assert read and all("user_account" not in s for s in read), read
        assert not [s for s in statements if "lessons_lesson_initiative" in s]
