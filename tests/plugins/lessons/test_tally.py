"""The lessons' counts per facet value are kept row by row, in step with every kind of write,
and the counts that are the same for everyone come from them, not from counting the lessons."""

from __future__ import annotations

import re
import threading
from collections import Counter

import pytest
from sqlalchemy import func, inspect, select, update

from intranet.extensions import db
from intranet.platform import schema
from intranet.plugin_api import bulk_insert, next_id, utcnow
from intranet_lessons import facets, search, tally
from intranet_lessons.models import Lesson, LessonTally, LessonTerm
from intranet_lessons.privacy import erase_personal_data
from tests.plugins.lessons.test_coverage import LESSON_FORM

KINDS = {
    tally.PUBLISHED: Lesson.status == "published",
    tally.SHARED: (Lesson.status == "published") & Lesson.sharing.in_(tally.SHARED),
    tally.PUBLIC: (Lesson.status == "published") & (Lesson.sharing == "public"),
    tally.UNPUBLISHED: Lesson.status != "published",
}


def kept() -> Counter:
    rows = db.session.execute(select(LessonTally))
    return +Counter(
        {
            (row.kind, row.within_facet, row.within_value, row.facet, row.value): row.count
            for row in rows.scalars()
        }
    )


def assert_in_step() -> None:
    """The tally is what counting every lesson gives, and it answers as the counts of the
    lessons themselves do."""
    db.session.rollback()  # read what was committed, as the next request does
    assert kept() == +tally.counted(db.session)
    everything = facets.facet_counts([Lesson.id.is_not(None)])[1]
    chosen = [(facet, value) for facet, counts in everything.items() for value, _ in counts]
    for kinds, condition in KINDS.items():
        assert tally.tallied(kinds) == facets.facet_counts([condition]), kinds
        for facet, value in [*chosen, ("country", "XX")]:
            having = search.facet_condition(facet, [value])
            expected = facets.facet_counts([condition, having])
            assert tally.tallied(kinds, (facet, value)) == expected, (kinds, facet, value)
    for by in ("area", "level"):
        column = getattr(Lesson, by)
        cells = db.session.execute(
            select(LessonTerm.value, column, func.count())
            .join(Lesson, Lesson.id == LessonTerm.lesson_id)
            .where(LessonTerm.facet == "country", Lesson.status == "published")
            .group_by(LessonTerm.value, column)
        )
        assert tally.by_country(by) == {(country, value): n for country, value, n in cells}


def test_every_step_of_a_lessons_life_keeps_the_tally_in_step(
    client, login_as, member, secretariat
):
    login_as(member)
    client.submit("/lessons/new", {**LESSON_FORM, "countries": ["SE", "FI"], "tags": "shelter"})
    lesson = db.session.scalar(select(Lesson))
    assert kept()[("unpublished", "", "", "country", "FI")] == 1
    assert_in_step()

    client.submit(f"/lessons/{lesson.id}/edit", {**LESSON_FORM, "countries": ["FI"]})
    assert kept()[("unpublished", "", "", "country", "SE")] == 0
    assert_in_step()
    client.submit(f"/lessons/{lesson.id}/edit", {**LESSON_FORM, "countries": ["FI", "LT"]})
    assert_in_step()
    client.submit(f"/lessons/{lesson.id}/submit", {})
    login_as(secretariat)
    client.submit(f"/lessons/{lesson.id}/review", {"decision": "publish"})
    assert kept()[("taskforce", "", "", "country", "LT")] == 1
    assert kept()[("taskforce", "area", "protection", "country", "LT")] == 1
    assert kept()[("unpublished", "", "", "country", "LT")] == 0
    assert_in_step()

    # A change of a published lesson counts once it is approved, not before.
    login_as(member)
    changed = {**LESSON_FORM, "countries": ["EE"], "area": "prevention", "sharing": "public"}
    client.submit(f"/lessons/{lesson.id}/edit", changed)
    assert kept()[("taskforce", "", "", "country", "LT")] == 1
    assert_in_step()
    login_as(secretariat)
    client.submit(f"/lessons/{lesson.id}/review", {"decision": "publish"})
    assert kept()[("public", "area", "prevention", "country", "EE")] == 1
    assert kept()[("taskforce", "", "", "", "")] == 0
    assert_in_step()

    lesson = db.session.get(Lesson, lesson.id)
    lesson.status = "draft"  # withdrawn
    db.session.commit()
    assert kept()[("public", "", "", "", "")] == 0
    assert_in_step()

    db.session.delete(lesson)
    db.session.commit()
    assert kept() == Counter()


def test_deleting_a_lesson_without_terms_takes_it_away(member, make_lesson):
    lesson = make_lesson(member, countries=[], forms=[])
    assert kept()[("taskforce", "", "", "", "")] == 1
    db.session.delete(lesson)
    db.session.commit()
    assert kept() == Counter()


def test_a_write_rolled_back_or_made_in_several_flushes_counts_once(member, make_lesson):
    lesson = make_lesson(member, countries=["SE"])
    lesson.area = "prevention"
    db.session.flush()
    lesson.area = "prosecution"
    lesson.set_values("country", ["NO"])
    db.session.flush()
    db.session.commit()
    assert kept()[("taskforce", "", "", "area", "prosecution")] == 1
    assert_in_step()

    lesson.status = "draft"
    db.session.flush()
    db.session.rollback()
    make_lesson(member, countries=["IS"])  # the next transaction writes only its own change
    assert kept()[("taskforce", "", "", "country", "NO")] == 1
    assert kept()[("unpublished", "", "", "", "")] == 0
    assert_in_step()


def test_an_erasure_takes_away_the_drafts_it_deletes(member, make_lesson):
    make_lesson(member, status="draft", countries=["DK"])
    make_lesson(member, countries=["DK"])
    erase_personal_data(member)
    db.session.commit()
    assert kept()[("unpublished", "", "", "country", "DK")] == 0
    assert kept()[("taskforce", "", "", "country", "DK")] == 1
    assert_in_step()


def test_lessons_inserted_in_bulk_are_counted_when_committed(member, make_lesson):
    make_lesson(member, countries=["PL"])
    lesson_id = next_id(Lesson)
    now = utcnow()
    bulk_insert(
        Lesson,
        [
            {
                "id": lesson_id + number,
                "title": "Bulk",
                "summary": "Inserted by a generator.",
                "level": "regional",
                "area": "partnership",
                "start_year": 2022,
                "status": "published",
                "sharing": "partners",
                "author_id": member.id,
                "created_at": now,
                "updated_at": now,
                "published_at": now,
            }
            for number in range(3)
        ],
    )
    bulk_insert(
        LessonTerm,
        [
            {"lesson_id": lesson_id + number, "facet": "country", "value": "PL"}
            for number in range(3)
        ],
    )
    db.session.commit()
    assert kept()[("partners", "", "", "country", "PL")] == 3
    assert kept()[("taskforce", "", "", "country", "PL")] == 1
    assert_in_step()


@pytest.mark.parametrize("reviewer", [False, True])
def test_a_list_without_a_filter_reads_the_tally_not_the_lessons(
    client, login_as, member, secretariat, make_lesson, monkeypatch, reviewer
):
    make_lesson(member, countries=["SE"])
    make_lesson(member, status="submitted", countries=["FI"])
    login_as(secretariat if reviewer else member)
    counted: list[list] = []
    real_counts = search.facet_counts

    def spy(conditions):
        counted.append(conditions)
        return real_counts(conditions)

    monkeypatch.setattr(search, "facet_counts", spy)
    page = client.get("/lessons/").get_data(as_text=True)
    assert "2 lessons" in page  # the author sees their lesson under review too
    assert len(counted) == (0 if reviewer else 1)  # a member's own unpublished part is live

    client.get("/lessons/?country=SE")  # one value: from the tally too
    assert len(counted) == (0 if reviewer else 2)
    client.get("/lessons/?country=SE&country=FI")  # more: counted
    assert len(counted) == (2 if reviewer else 4)


def test_the_upgrade_that_adds_the_tally_counts_the_lessons_there_are(member, make_lesson):
    make_lesson(member, countries=["SE", "FI"], tags=["shelter"], sharing="public")
    make_lesson(member, status="submitted", countries=["LV"], level="local")
    expected = kept()
    assert expected[("public", "country", "FI", "tag", "shelter")] == 1
    db.session.remove()

    schema.downgrade("lessons_0009")
    assert "lessons_tally" not in inspect(db.engine).get_table_names()
    schema.upgrade()
    assert kept() == expected
    assert_in_step()


def test_two_people_changing_one_lesson_at_once_are_counted_one_after_the_other(
    app, member, make_lesson
):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite has one writer anyway")
    lesson_id = make_lesson(member, status="submitted", area="protection").id

    db.session.get(Lesson, lesson_id).status = "published"  # a reviewer publishes it ...
    db.session.flush()

    def change_area() -> None:  # ... while its author's change of area is saved
        with app.app_context():
            db.session.get(Lesson, lesson_id).area = "prevention"
            db.session.commit()

    other = threading.Thread(target=change_area)
    other.start()
    other.join(timeout=0.5)
    assert other.is_alive(), "the second change did not wait for the first"
    db.session.commit()
    other.join(timeout=10)
    assert kept()[("taskforce", "", "", "area", "prevention")] == 1
    assert kept()[("unpublished", "", "", "", "")] == 0
    assert_in_step()


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("", 3),
        ("country=SE", 2),
        ("country=SE&area=prevention", 1),  # two facets: counted
        ("year=2020", 2),
        ("year=02020", 2),  # the year 2020 written otherwise: counted
    ],
)
def test_a_list_counts_what_it_shows_however_it_is_filtered(
    client, login_as, member, make_lesson, query, shown
):
    make_lesson(member, countries=["SE"], area="prevention", start_year=2020)
    make_lesson(member, countries=["SE"], area="protection", start_year=2021)
    make_lesson(member, countries=["FI"], area="prevention", start_year=2020)
    login_as(member)
    page = client.get(f"/lessons/?{query}").get_data(as_text=True)
    assert re.search(r'class="result-count"[^>]*>(\d+) lessons?', page)[1] == str(shown)
    assert page.count('<article class="lesson-item"') == shown


def test_an_operator_recounts_lessons_written_around_the_intranet(
    app, client, login_as, member, make_lesson
):
    make_lesson(member, countries=["SE"])
    make_lesson(member, countries=["SE", "FI"])
    with db.engine.begin() as connection:  # SQL run by hand: no session, no stamp
        connection.execute(update(LessonTally).values(count=LessonTally.count + 5))
    login_as(member)
    assert "7 lessons" in client.get("/lessons/?country=SE").get_data(as_text=True)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["intranet", "recount-lessons"])
    assert result.exit_code == 0, result.output
    assert "of lessons out of step, corrected" in result.output
    assert_in_step()
    assert "2 lessons" in client.get("/lessons/?country=SE").get_data(as_text=True)
    assert "1 lesson" in client.get("/lessons/?country=FI").get_data(as_text=True)

    again = runner.invoke(args=["intranet", "recount-lessons"])
    assert "The counts of lessons were in step" in again.output
