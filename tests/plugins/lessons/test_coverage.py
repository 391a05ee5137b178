"""The coverage matrix is cached per worker and still shows every change on the next request."""

from __future__ import annotations

import re

from sqlalchemy import event, select

from intranet import create_app
from intranet.extensions import db
from intranet.plugin_api import bulk_insert, next_id, utcnow
from intranet_lessons.models import Initiative, Lesson, LessonTerm
from tests.conftest import Client

LESSON_FORM = {
    "title": "Joint visits to car washes",
    "summary": "Police and labour inspectors visited car washes together.",
    "countries": ["SE"],
    "level": "national",
    "area": "protection",
    "target_group": "adults",
    "forms": ["labour"],
    "start_year": "2021",
    "sharing": "taskforce",
}
INITIATIVE_FORM = {
    "name": "Baltic shelter network",
    "countries": ["EE"],
    "level": "regional",
    "area": "protection",
    "description": "Shelters together.",
}


def cell(client: Client, country: str, value: str, by: str = "area") -> tuple[int, int]:
    """(lessons, initiatives) in the matrix cell of `country` and the area or level `value`."""
    page = client.get(f"/lessons/coverage?by={by}").get_data(as_text=True)
    query = f"country={country}&amp;{by}={value}"
    lessons = re.search(rf'href="/lessons/\?{query}">(\d+) lessons?<', page)
    initiatives = re.search(rf'href="/lessons/initiatives\?{query}">(\d+) initiatives?<', page)
    assert lessons and initiatives, f"no cell for {country} and {value}"
    return int(lessons[1]), int(initiatives[1])


def statements_for(client: Client, url: str) -> list[str]:
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def test_publishing_a_lesson_fills_its_cell(client, member, secretariat, make_lesson):
    lesson = make_lesson(member, status="submitted", countries=["SE"], area="protection")
    client.login(secretariat.email)
    assert cell(client, "SE", "protection") == (0, 0)

    client.submit(f"/lessons/{lesson.id}/review", {"decision": "publish"})
    assert cell(client, "SE", "protection") == (1, 0)


def test_changing_a_lessons_country_area_or_level_moves_its_count(
    client, login_as, member, secretariat, make_lesson
):
    lesson = make_lesson(member, countries=["SE"], area="protection", level="national")
    client.login(secretariat.email)
    assert cell(client, "SE", "protection") == (1, 0)
    assert cell(client, "SE", "national", by="level") == (1, 0)

    def change(form: dict) -> None:
        """The author changes the published lesson; the change counts once approved."""
        login_as(member)
        client.submit(f"/lessons/{lesson.id}/edit", form)
        login_as(secretariat)
        client.submit(f"/lessons/{lesson.id}/review", {"decision": "publish"})

    change({**LESSON_FORM, "countries": ["FI"]})
    assert cell(client, "SE", "protection") == (0, 0)
    assert cell(client, "FI", "protection") == (1, 0)

    edited = {**LESSON_FORM, "countries": ["FI"], "area": "prevention", "level": "local"}
    change(edited)
    assert cell(client, "FI", "protection") == (0, 0)
    assert cell(client, "FI", "prevention") == (1, 0)
    assert cell(client, "FI", "national", by="level") == (0, 0)
    assert cell(client, "FI", "local", by="level") == (1, 0)


def test_unpublishing_a_lesson_empties_its_cell(client, member, make_lesson):
    lesson = make_lesson(member, countries=["NO"], area="prosecution")
    client.login(member.email)
    assert cell(client, "NO", "prosecution") == (1, 0)

    lesson.status = "draft"
    db.session.commit()
    assert cell(client, "NO", "prosecution") == (0, 0)


def test_editing_an_initiatives_countries_moves_its_count(client, member):
    client.login(member.email)
    assert cell(client, "EE", "protection") == (0, 0)
    client.submit("/lessons/initiatives/new", INITIATIVE_FORM)
    assert cell(client, "EE", "protection") == (0, 1)

    initiative = db.session.scalar(select(Initiative))
    client.submit(
        f"/lessons/initiatives/{initiative.id}/edit", {**INITIATIVE_FORM, "countries": ["LV"]}
    )
    assert cell(client, "EE", "protection") == (0, 0)
    assert cell(client, "LV", "protection") == (0, 1)


def test_lessons_inserted_in_bulk_are_counted(client, member):
    client.login(member.email)
    assert cell(client, "DK", "partnership") == (0, 0)

    lesson_id = next_id(Lesson)
    now = utcnow()
    bulk_insert(
        Lesson,
        [
            {
                "id": lesson_id,
                "title": "Bulk",
                "summary": "Inserted by a generator.",
                "level": "national",
                "area": "partnership",
                "start_year": 2022,
                "status": "published",
                "author_id": member.id,
                "created_at": now,
                "updated_at": now,
                "published_at": now,
            }
        ],
    )
    bulk_insert(LessonTerm, [{"lesson_id": lesson_id, "facet": "country", "value": "DK"}])
    db.session.commit()
    assert cell(client, "DK", "partnership") == (1, 0)


def test_another_worker_sees_a_change_made_through_this_one(
    config, client, member, secretariat, make_lesson
):
    lesson = make_lesson(member, status="submitted", countries=["LT"], area="prevention")
    other_worker = create_app(config)
    other_worker.test_client_class = Client
    other = other_worker.test_client()
    try:
        other.login(member.email)
        assert cell(other, "LT", "prevention") == (0, 0)

        client.login(secretariat.email)
        client.submit(f"/lessons/{lesson.id}/review", {"decision": "publish"})
        assert cell(other, "LT", "prevention") == (1, 0)
    finally:
        with other_worker.app_context():
            db.session.remove()
            db.engine.dispose()


def test_an_unchanged_matrix_is_not_counted_again(client, member, make_lesson):
    make_lesson(member)
    client.login(member.email)
    client.get("/")  # a running worker has read its settings already

    first = statements_for(client, "/lessons/coverage")
    second = statements_for(client, "/lessons/coverage")
    assert any("GROUP BY" in statement for statement in first)
    assert not any("GROUP BY" in statement for statement in second)
    assert len(second) < len(first)
