"""The owning sub-group, the series and the sub-groups to invite are found by a word, never
listed in full: the forms stay small however many sub-groups, lessons and series there are."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select

from intranet.extensions import db
from intranet.platform.plugins import set_enabled
from intranet.plugin_api import GrantableResource, ResourceRef, hookimpl
from intranet_meetings.models import Meeting, Participant, Series

NEW = {
    "title": "Expert meeting on guardianship",
    "kind": "plenary",
    "start": "2030-05-06T09:30",
    "end": "2030-05-06T17:00",
    "timezone": "Europe/Tallinn",
    "status": "planned",
    "venue": "Tallinn, Stenbock House",
}
GUARDIANSHIP = ResourceRef("subgroups.group", 7)
LABOUR = ResourceRef("subgroups.group", 8)


class Offered:
    """Another plugin's sub-groups and lessons, answering everything as older plugins do."""

    def __init__(self, lessons: int = 0, groups: int = 0) -> None:
        self.items = [
            GrantableResource(GUARDIANSHIP, "Sub-group: Guardianship"),
            GrantableResource(LABOUR, "Sub-group: Labour exploitation"),
            *(
                GrantableResource(ResourceRef("subgroups.group", 100 + n), f"Sub-group: Topic {n}")
                for n in range(groups)
            ),
            *(
                GrantableResource(ResourceRef("lessons.lesson", n), f"Lesson: Practice {n}")
                for n in range(lessons)
            ),
        ]

    @hookimpl
    def intranet_grantable_resources(self, user):
        return self.items


@pytest.fixture
def offer(app):
    manager = app.extensions["intranet_plugins"].pm
    registered = []

    def register(**sizes: int) -> None:
        registered.append(manager.register(Offered(**sizes), name=f"offered-{len(registered)}"))

    yield register
    for name in registered:
        manager.unregister(name=name)


def many_series(count: int, title: str = "Mandate series") -> None:
    db.session.execute(insert(Series), [{"title": f"{title} {n:03}"} for n in range(count)])
    db.session.commit()


def test_the_meeting_forms_stay_small_with_many_sub_groups_lessons_and_series(
    client, secretariat, make_meeting, offer
):
    meeting = make_meeting()
    client.login(secretariat.email)
    pages = (f"/meetings/{meeting.id}/edit", "/meetings/new", f"/meetings/{meeting.id}/invite")
    offer()
    before = {url: len(client.get(url).data) for url in pages}
    offer(lessons=3000, groups=500)
    many_series(500)
    for url in pages:
        page = client.get(url).get_data(as_text=True)
        assert len(page) - before[url] < 500, url
        assert "Topic 1" not in page and "Practice 1" not in page and "series 001" not in page


def test_the_owner_is_found_by_a_word_and_saved(client, secretariat, offer):
    offer(lessons=30)
    client.login(secretariat.email)
    page = client.get("/meetings/new").get_data(as_text=True)
    assert "Guardianship" not in page and 'name="owner_q"' in page

    fragment = client.get("/meetings/pick?field=owner&owner_q=labour").get_data(as_text=True)
    assert 'type="radio" name="owner" value="subgroups.group:8"' in fragment
    assert "Guardianship" not in fragment
    lessons = client.get("/meetings/pick?field=owner&owner_q=practice").get_data(as_text=True)
    assert "No sub-group found for “practice”" in lessons  # a lesson owns no meeting

    typed = {**NEW, "owner_q": "guardian", "owner_search": "1"}  # "Find", without JavaScript
    found = client.submit("/meetings/new", typed)
    html = found.get_data(as_text=True)
    assert found.status_code == 200
    assert 'name="owner" value="subgroups.group:7"> Sub-group: Guardianship' in html
    assert 'value="Tallinn, Stenbock House"' in html  # nothing typed is lost
    assert db.session.scalar(select(func.count(Meeting.id))) == 0

    saved = client.submit("/meetings/new", {**NEW, "owner": "subgroups.group:7"})
    assert saved.status_code == 303
    meeting = db.session.scalar(select(Meeting))
    assert (meeting.owner_kind, meeting.owner_id) == ("subgroups.group", 7)
    edit = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="subgroups.group:7" checked> Sub-group: Guardianship' in edit


@pytest.mark.parametrize("owner", ["subgroups.group:99", "lessons.lesson:3"])
def test_an_owner_that_is_not_offered_is_refused(client, secretariat, offer, owner):
    offer(lessons=5)
    client.login(secretariat.email)
    response = client.submit("/meetings/new", {**NEW, "owner": owner})
    assert response.status_code == 422
    assert "Choose one of the listed entries." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_the_series_is_found_by_a_word_at_most_twenty_at_a_time(client, secretariat):
    many_series(30, "Mandate")
    many_series(3, "Webinars")
    client.login(secretariat.email)
    found = client.get("/meetings/pick?field=series&series_q=mandate").get_data(as_text=True)
    assert found.count('name="series"') == 20 and "Only the first 20 are shown" in found
    assert "Webinars" not in found
    webinars = client.get("/meetings/pick?field=series&series_q=WEBINARS 002").get_data(
        as_text=True
    )
    assert webinars.count('name="series"') == 1 and "Webinars 002" in webinars
    none = client.get("/meetings/pick?field=series&series_q=plenary").get_data(as_text=True)
    assert "No series found for “plenary”" in none
    assert client.get("/meetings/pick?field=secret&secret_q=a").status_code == 404


def test_chosen_owner_series_and_skipped_dates_survive_a_failed_submit(client, secretariat, offer):
    offer()
    many_series(3, "Webinars")
    webinars = db.session.scalar(select(Series.id).where(Series.title == "Webinars 001"))
    client.login(secretariat.email)
    data = {
        **NEW,
        "title": "",
        "owner": "subgroups.group:8",
        "series": str(webinars),
        "start": "",
        "exdates": ["2030-05-13"],
    }
    failed = client.submit("/meetings/new", data)
    html = failed.get_data(as_text=True)
    assert failed.status_code == 422
    assert 'value="subgroups.group:8" checked> Sub-group: Labour exploitation' in html
    assert f'value="{webinars}" checked> Webinars 001' in html
    assert '<input type="hidden" name="exdates" value="2030-05-13">' in html
    assert 'value="Tallinn, Stenbock House"' in html

    searched = client.submit("/meetings/new", {**data, "series_q": "web", "series_search": "1"})
    html = searched.get_data(as_text=True)
    assert f'value="{webinars}" checked> Webinars 001' in html
    assert html.count('name="series" value="') == 4  # "None", the chosen one, two found
    assert 'value="subgroups.group:8" checked' in html


def test_saving_without_the_csrf_token_saves_no_owner(client, secretariat, offer):
    offer()
    client.login(secretariat.email)
    response = client.post("/meetings/new", data={**NEW, "owner": "subgroups.group:7"})
    assert response.status_code in (400, 422)
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_sub_groups_to_invite_are_found_and_stay_chosen(client, secretariat, make_meeting, offer):
    offer(lessons=10)
    meeting = make_meeting()
    client.login(secretariat.email)
    url = f"/meetings/{meeting.id}/invite"
    found = client.submit(url, {"groups": "7", "groups_q": "labour", "groups_search": "1"})
    html = found.get_data(as_text=True)
    assert 'type="checkbox" name="groups" value="7" checked> Sub-group: Guardianship' in html
    assert 'type="checkbox" name="groups" value="8"> Sub-group: Labour exploitation' in html
    assert "Lesson: Practice" not in html
    assert db.session.scalar(select(func.count(Participant.id))) == 0


def test_no_sub_groups_to_invite_while_their_plugin_is_disabled(client, secretariat, make_meeting):
    meeting = make_meeting()
    client.login(secretariat.email)
    assert 'name="groups_q"' in client.get(f"/meetings/{meeting.id}/invite").get_data(as_text=True)
    set_enabled("subgroups", False)
    db.session.commit()
    try:
        page = client.get(f"/meetings/{meeting.id}/invite").get_data(as_text=True)
        assert 'name="groups_q"' not in page and 'name="members_q"' in page
    finally:
        set_enabled("subgroups", True)
        db.session.commit()
