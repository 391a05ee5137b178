"""Bad input gives a message next to the field, keeps what was typed and stores nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from intranet.extensions import db
from intranet_lessons.models import Initiative, Lesson

from .test_review import FORM


def lesson_count() -> int:
    return db.session.scalar(select(func.count(Lesson.id)))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"countries": []}, "countries", "Choose at least one."),
        ({"countries": ["EE", "XX"]}, "countries", "not a valid choice"),
        ({"area": "trafficking-free-zone"}, "area", "Not a valid choice"),
        ({"start_year": "soon"}, "start_year", "Give the year."),
        ({"end_year": "2001"}, "end_year", "cannot end before it starts"),
        ({"links": "javascript:alert(1)"}, "links", "is not a web address"),
    ],
)
def test_a_wrong_field_is_marked_and_nothing_is_stored(client, member, changes, field, message):
    client.login(member.email)
    response = client.submit("/lessons/new", {**FORM, **changes})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = page.split(f'id="{field}-error"')[1][:200]
    assert message.lower() in error.lower()
    assert 'value="Police and labour' not in page  # the summary is a textarea
    assert "Police and labour inspectors visited car washes together." in page
    assert lesson_count() == 0


def test_an_initiative_without_a_country_is_refused(client, member):
    client.login(member.email)
    response = client.submit(
        "/lessons/initiatives/new",
        {"name": "Network", "level": "national", "area": "galaxy", "description": "x"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="countries-error"' in page
    assert 'id="area-error"' in page
    assert 'value="Network"' in page
    assert db.session.scalar(select(func.count(Initiative.id))) == 0


def test_an_initiative_is_registered_and_listed(client, member):
    client.login(member.email)
    response = client.submit(
        "/lessons/initiatives/new",
        {
            "name": "Baltic shelter network",
            "countries": ["EE", "LT"],
            "level": "regional",
            "area": "protection",
            "website": "https://example.org",
            "description": "Shelters *together*.",
        },
    )
    assert response.status_code == 303
    listing = client.get("/lessons/initiatives?country=LT").get_data(as_text=True)
    assert "Baltic shelter network" in listing
    assert "Baltic shelter network" not in client.get("/lessons/initiatives?country=SE").get_data(
        as_text=True
    )


HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"/lessons/public/{HUGE}", 404),
        (f"/lessons/{HUGE}", 404),
        (f"/lessons/?page={HUGE}", 200),
        (f"/lessons/?year={HUGE}", 200),
        (f"/lessons/?year=2020&year={HUGE}&page=-3", 200),
        (f"/lessons/export.csv?year={HUGE}", 200),
        (f"/lessons/export.json?year={HUGE}&page={HUGE}", 200),
        (f"/lessons/initiatives/{HUGE}", 404),
    ],
)
def test_integers_past_any_column_answer_without_an_error(client, member, make_lesson, url, status):
    make_lesson(member, "Any lesson")
    client.login(member.email)
    assert client.get(url).status_code == status


def test_integers_in_a_diff_are_bounded(client, member, make_lesson):
    lesson = make_lesson(member, "Any lesson")
    client.login(member.email)
    assert client.get(f"/lessons/{lesson.id}/diff?from={HUGE}&to=1").status_code == 404
