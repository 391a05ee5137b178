"""Coverage, exports, widgets, hooks, and switching the plugin off and on."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

from intranet.extensions import db
from intranet.models import utcnow
from intranet.platform.plugins import collect
from intranet.plugin_api import ResourceRef, can
from tests.conftest import contributions

PASSWORD = "Baltic-Sea-Demo-2026"


def test_the_coverage_matrix_marks_gaps_and_links_to_the_lists(client, demo):
    client.login(demo["member_fi"].email, PASSWORD)
    page = client.get("/lessons/coverage").get_data(as_text=True)
    iceland = re.split(r'<th[^>]*scope="row">Iceland</th>', page)[1].split("</tr>")[0]
    assert iceland.count("Gap") == 3  # only partnership has a lesson
    assert 'href="/lessons/?country=IS&amp;area=partnership">1 lesson' in iceland
    by_level = client.get("/lessons/coverage?by=level").get_data(as_text=True)
    assert "International" in by_level
    assert "Prevention" not in by_level.split("<thead>")[1].split("</thead>")[0]


def test_exports_carry_the_filtered_selection(client, demo):
    client.login(demo["member_fi"].email, PASSWORD)
    response = client.get("/lessons/export.csv?country=FI")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 4
    assert all("FI" in row["countries"] for row in rows)

    data = json.loads(client.get("/lessons/export.json?q=berry").get_data(as_text=True))
    assert [lesson["title"] for lesson in data["lessons"]] == [
        "Helpline for berry pickers during the season"
    ]


def test_widgets_answer_a_fragment_to_htmx_and_a_page_otherwise(client, demo):
    client.login(demo["secretariat"].email, PASSWORD)
    for url in ("/lessons/widgets/recent", "/lessons/widgets/review"):
        fragment = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "<html" not in fragment
        assert "<html" in client.get(url).get_data(as_text=True)
    review = client.get("/lessons/widgets/review").get_data(as_text=True)
    assert "Legal aid for victims claiming compensation" in review


def test_hooks_give_profile_report_grantable_and_personal_data(app, demo):
    se = demo["member_se"]
    with app.test_request_context():
        profile = contributions(
            "lessons", "intranet_profile_sections", member=se, viewer=demo["member_dk"]
        )
        titles = [label for section in profile for label, _ in section.items]
        assert "Procurement clauses against labour exploitation" in titles
        assert "Inspections of cleaning companies with the tax agency" not in titles  # submitted

        today = date.today()
        report = collect(
            "intranet_report_sections", start=today - timedelta(days=30), end=today, user=se
        )
        section = next(s for s in report if s.title == "Lessons learned published")
        assert section.headers[0] == "Country"
        assert any(row[0] == "Finland" for row in section.rows)

        grantable = contributions(
            "lessons",
            "intranet_grantable_resources",
            user=demo["secretariat"],
            query=None,
            refs=None,
            limit=None,
            kinds=None,
        )
        assert grantable and all(item.ref.kind == "lessons.lesson" for item in grantable)

        data = personal_data(se)
        assert len(data["lessons"]) == 4
        assert all(lesson["summary"] for lesson in data["lessons"])
        assert {"initiatives", "reviewer_since", "revisions_written"} <= set(data)


def personal_data(user):
    from intranet.platform.plugins import results

    return dict(results("intranet_personal_data", user=user))["lessons"]


def test_a_guest_is_denied_a_task_force_lesson_when_no_plugin_grants_it(app, demo, monkeypatch):
    """The lessons plugin abstains, so the partners plugin can still grant a single lesson."""
    from sqlalchemy import select

    from intranet.extensions import db
    from intranet_lessons.models import Lesson

    lesson = db.session.scalar(select(Lesson).where(Lesson.sharing == "taskforce"))
    guest_user = demo["member_se"]
    monkeypatch.setattr(guest_user, "role", "guest")
    with app.test_request_context():
        assert not can(guest_user, "lessons.view", ResourceRef("lessons.lesson", lesson.id))


def test_disabling_the_plugin_hides_it_and_enabling_brings_it_back(
    client, admin, member, make_lesson
):
    make_lesson(member, "Kept while disabled", published_at=utcnow())
    client.login(admin.email)
    assert "Lessons</a>" in client.get("/").get_data(as_text=True)

    client.submit("/admin/plugins/lessons/disable", {"confirm": "yes"})
    dashboard = client.get("/").get_data(as_text=True)
    assert "Lessons</a>" not in dashboard
    assert "Recently published lessons" not in dashboard
    assert client.get("/lessons/").status_code == 404
    assert client.get("/lessons/public").status_code == 404
    assert client.get("/lessons/feed.atom").status_code == 404

    client.submit("/admin/plugins/lessons/enable")
    assert "Recently published lessons" in client.get("/").get_data(as_text=True)
    assert "Kept while disabled" in client.get("/lessons/").get_data(as_text=True)


def test_erasing_a_member_keeps_their_lessons_without_their_name(app, client, demo):
    from intranet.platform.plugins import notify_event

    dk = demo["member_dk"]
    notify_event("intranet_erase_personal_data", user=dk)
    db.session.commit()
    assert personal_data(dk)["lessons"] == []
    assert personal_data(dk)["endorsements"] == []
    client.login(demo["member_fi"].email, PASSWORD)
    page = client.get("/lessons/?q=prostitution").get_data(as_text=True)
    assert "Outreach to women in prostitution identifies victims early" in page
