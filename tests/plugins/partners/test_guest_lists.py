"""A guest's lists are built from the guest's grants, which the partners plugin names
(`intranet_permitted`): everything granted is listed, however much else the site holds, and a
list reads the grants, not every lesson, meeting or sub-group of the site."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import insert

from intranet.extensions import db
from intranet.models import utcnow
from intranet.platform import plugins
from intranet.plugin_api import ResourceRef, hookimpl
from intranet_lessons.models import Lesson
from tests.partner_helpers import make_guest


@contextmanager
def asked_about(kind: str) -> Iterator[list[int]]:
    """The ids of `kind` the plugins are asked about (intranet_permission_many) in the block."""
    asked: list[int] = []

    spied = kind

    class Spy:
        @hookimpl
        def intranet_permission_many(self, user, action, kind, ids):
            if kind == spied:
                asked.extend(ids)

    plugins.registry().pm.register(Spy(), name="partners-test-spy")
    try:
        yield asked
    finally:
        plugins.registry().pm.unregister(name="partners-test-spy")


def lesson_rows(count: int, published_at, title: str) -> list[dict]:
    return [
        {
            "title": f"{title} {number}",
            "summary": "A summary",
            "level": "national",
            "area": "protection",
            "start_year": 2020,
            "status": "published",
            "sharing": "taskforce",
            "published_at": published_at,
        }
        for number in range(count)
    ]


def test_a_guest_finds_a_lesson_granted_long_ago_among_many_newer_ones(client, secretariat):
    long_ago = utcnow() - timedelta(days=3 * 365)
    granted = db.session.scalars(
        insert(Lesson).returning(Lesson.id), lesson_rows(1, long_ago, "Granted lesson")
    ).one()
    db.session.execute(insert(Lesson), lesson_rows(600, utcnow(), "Newer lesson"))
    db.session.commit()
    guest = make_guest("Nora", secretariat, [ResourceRef("lessons.lesson", granted)])

    client.login(guest.email)
    listed = client.get("/lessons/").get_data(as_text=True)
    assert "Granted lesson 0" in listed
    assert "Newer lesson" not in listed
    searched = client.get("/lessons/?q=granted").get_data(as_text=True)
    assert "Granted lesson 0" in searched
    assert client.get(f"/lessons/{granted}").status_code == 200


def test_a_guests_meeting_lists_ask_about_the_granted_meetings_only(client, make_user, secretariat):
    from intranet_meetings.models import Meeting

    now = utcnow()

    def meeting(title: str, days: int, **fields) -> Meeting:
        start = now + timedelta(days=days)
        row = Meeting(
            title=title,
            start_at=start,
            end_at=start + timedelta(hours=2),
            last_end_at=start + timedelta(hours=2),
            timezone="UTC",
            **fields,
        )
        db.session.add(row)
        return row

    ahead = meeting("Granted plenary ahead", 30)
    over = meeting("Granted plenary over", -30)
    others = [meeting(f"Other plenary {n}", days) for n, days in enumerate((-60, -5, 5, 60))]
    db.session.commit()
    granted = [ResourceRef("meetings.meeting", ahead.id), ResourceRef("meetings.meeting", over.id)]
    guest = make_guest("Nora", secretariat, granted)

    client.login(guest.email)
    with asked_about("meetings.meeting") as asked:
        upcoming = client.get("/meetings/").get_data(as_text=True)
        past = client.get("/meetings/?when=past").get_data(as_text=True)
        card = client.get("/meetings/next").get_data(as_text=True)
    assert "Granted plenary ahead" in upcoming and "Granted plenary ahead" in card
    assert "Granted plenary over" in past
    for page in (upcoming, past, card):
        assert "Other plenary" not in page
    assert set(asked) == {ahead.id, over.id}, [m.id for m in others]


def test_a_guests_sub_group_list_asks_about_the_granted_groups_only(client, secretariat):
    from intranet_subgroups.models import SubGroup

    today = utcnow().date()
    groups = [
        SubGroup(
            name=f"{'Granted' if n == 0 else 'Other'} group {n}",
            kind="topic",
            mandate="A mandate.",
            start_date=today - timedelta(days=10),
            end_date=today + timedelta(days=100),
            status="active",
            join_policy="open",
        )
        for n in range(6)
    ]
    db.session.add_all(groups)
    db.session.commit()
    guest = make_guest("Nora", secretariat, [ResourceRef("subgroups.group", groups[0].id)])
    client.login(guest.email)
    with asked_about("subgroups.group") as asked:
        listed = client.get("/subgroups/").get_data(as_text=True)
    assert "Granted group 0" in listed and "Other group" not in listed
    assert set(asked) == {groups[0].id}
