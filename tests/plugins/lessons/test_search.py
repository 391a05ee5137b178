"""Finding lessons on the demo data: ranking, similar work, hostile input, facets, query count."""

from __future__ import annotations

from sqlalchemy import event, select
from werkzeug.datastructures import MultiDict

from intranet.extensions import db
from intranet.platform.plugins import collect
from intranet_lessons import search as finder
from intranet_lessons.models import Lesson
from tests.conftest import contributions


def titles(page: str, expected: list[str]) -> list[str]:
    """The expected titles in the order they appear on `page`."""
    found = [(page.find(title), title) for title in expected if title in page]
    return [title for _, title in sorted(found)]


def test_the_demo_covers_the_region_with_about_thirty_lessons(demo):
    lessons = db.session.scalars(select(Lesson)).all()
    assert 25 <= len(lessons) <= 35
    assert {lesson.status for lesson in lessons} == {"draft", "submitted", "published"}
    assert len({c for lesson in lessons for c in lesson.countries}) >= 10


def test_a_query_finds_the_expected_lesson_first(client, demo):
    client.login(demo["member_dk"].email, "Baltic-Sea-Demo-2026")
    page = client.get("/lessons/?q=berry+pickers+helpline").get_data(as_text=True)
    first = page.split('class="lesson-item"')[1]
    assert "Helpline for berry pickers during the season" in first
    assert "<mark>" in first


def test_the_obvious_duplicate_ranks_first_in_similar_work(app, demo):
    draft = "Joint inspections by police and labour inspectors of building sites"
    with app.test_request_context():
        items = contributions(
            "lessons", "intranet_similar_work", text=draft, user=demo["member_se"], limit=5
        )
    assert items[0].title == "Joint labour inspections with police on construction sites"
    assert all(0 < item.score <= 1 for item in items)
    assert items == sorted(items, key=lambda item: -item.score)


def test_the_form_panel_shows_similar_work_as_a_fragment_or_a_page(client, demo):
    client.login(demo["member_se"].email, "Baltic-Sea-Demo-2026")
    url = "/lessons/similar?title=hotline+forced+criminality&summary=training+counsellors"
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Hotline staff trained to recognise forced criminality" in fragment.get_data(
        as_text=True
    )
    assert "<html" in client.get(url).get_data(as_text=True)


HOSTILE_QUERIES = [
    '"',
    '"labour',
    "NEAR(labour, police)",
    "*",
    "labour*",
    "((police",
    "police)",
    "the of and",
    "AND OR NOT",
    "-",
    "title:police",
    "^police",
    "'; DROP TABLE lessons_lesson; --",
    "ä ö ü",
]


def test_hostile_search_input_never_fails(client, app, demo):
    """Every query on one demo world (building it costs a second or more per test)."""
    client.login(demo["member_se"].email, "Baltic-Sea-Demo-2026")
    failed = []
    for query in HOSTILE_QUERIES:
        if client.get("/lessons/", query_string={"q": query}).status_code != 200:
            failed.append(query)
        with app.test_request_context():
            collect("intranet_search", query=query, user=demo["member_se"], limit=5)
    assert failed == []


def test_facets_count_and_combine_in_the_url(client, demo):
    client.login(demo["secretariat"].email, "Baltic-Sea-Demo-2026")
    user = demo["secretariat"]
    finland = finder.search(user, finder.Selection.from_args(MultiDict({"country": "FI"})))
    assert finland.total == 4
    assert sum(count for _, count in finland.facets["area"]) == finland.total
    assert ("FI", 4) in finland.facets["country"]

    both = MultiDict([("country", "FI"), ("area", "prevention"), ("country", "SE")])
    combined = finder.search(user, finder.Selection.from_args(both))
    assert {lesson.title for lesson, _ in combined.lessons} == {
        "Procurement clauses against labour exploitation",
        "Common risk indicators for online recruitment",
    }
    page = client.get("/lessons/?country=FI&country=SE&area=prevention").get_data(as_text=True)
    assert "2 lessons" in page
    assert "Remove filter: </span>✓ Finland" in page


def test_active_search_swaps_the_results_and_the_url_is_a_full_page(client, demo):
    client.login(demo["member_se"].email, "Baltic-Sea-Demo-2026")
    fragment = client.get("/lessons/?q=shelter", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    assert "<html" in client.get("/lessons/?q=shelter").get_data(as_text=True)


def test_the_search_page_does_not_query_once_per_lesson(client, member, make_lesson):
    client.login(member.email)

    def statements() -> int:
        count = 0

        def counter(*args):
            nonlocal count
            count += 1

        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            client.get("/lessons/?q=lesson")
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)
        return count

    make_lesson(member, "First lesson", countries=["SE"])
    client.get("/")  # a running worker has read the settings already (cached per process)
    few = statements()
    for n in range(12):
        make_lesson(member, f"Lesson {n}", countries=["FI", "DK"], tags=[f"t{n}"])
    assert statements() == few
