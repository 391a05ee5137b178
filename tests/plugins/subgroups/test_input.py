"""Input that could break the sub-group pages: line breaks in single-line fields, dates far
outside any mandate, and huge numbers in addresses. Each is refused next to the field, or
answered with a normal page, never with a server error."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from intranet.plugin_api import db
from intranet_subgroups.models import Extension, SubGroup, Thread
from tests.plugins.subgroups.conftest import sign_in

HTMX = {"HX-Request": "true"}
FAR_DATES = ("9999-12-31", "0001-01-01")


def count(model: type) -> int:
    return db.session.scalar(select(func.count(model.id)))


def refused_next_to(response, field: str, message: str) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = html[html.index(f'id="{field}-error"') :]
    assert message in error[: error.index("</p>")]
    return html


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_line_break_in_a_thread_title_is_refused_kept_and_nothing_is_sent(
    client, member, make_user, make_group, outbox, headers
):
    reader = make_user("member", email="reader@example.org", name="Rita Reader")
    group = make_group(members=(member, reader))
    sign_in(client, member)
    typed = "Recruitment fees\r\nBcc: everyone@example.org"
    response = client.submit(
        f"/subgroups/{group.id}/threads/new",
        {"title": typed, "body": "Seen anywhere?"},
        headers=headers,
    )
    html = refused_next_to(response, "title", "line breaks are not allowed")
    assert f'value="{typed}"' in html and "Seen anywhere?" in html
    assert count(Thread) == 0 and outbox() == []


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_line_break_in_a_group_name_is_refused_and_kept(client, member, headers):
    sign_in(client, member)
    typed = "Labour\nexploitation"
    response = client.submit(
        "/subgroups/propose",
        {
            "name": typed,
            "kind": "topic",
            "mandate": "Forced labour.",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "join_policy": "open",
        },
        headers=headers,
    )
    html = refused_next_to(response, "name", "line breaks are not allowed")
    assert f'value="{typed}"' in html
    assert count(SubGroup) == 0


@pytest.mark.parametrize("far", FAR_DATES)
def test_far_end_dates_are_refused_next_to_the_field(client, member, make_group, far):
    sign_in(client, member)
    proposal = {
        "name": "Labour exploitation",
        "kind": "topic",
        "mandate": "Forced labour.",
        "start_date": "2026-01-01",
        "end_date": far,
        "join_policy": "open",
    }
    response = client.submit("/subgroups/propose", proposal)
    refused_next_to(response, "end_date", "Enter a date between 1900 and 2100")
    assert count(SubGroup) == 0
    group = make_group(convenor=member)
    response = client.submit(
        f"/subgroups/{group.id}/extend", {"new_end": far, "reason": "Final report"}
    )
    refused_next_to(response, "new_end", "Enter a date between 1900 and 2100")
    assert count(Extension) == 0


@pytest.mark.parametrize("number", ["9223372036854775808", "99999999999999999999"])
def test_huge_numbers_in_addresses_answer_404(client, member, make_group, number):
    group = make_group(members=(member,))
    sign_in(client, member)
    for url in (
        f"/subgroups/{number}",
        f"/subgroups/threads/{number}",
        f"/subgroups/posts/{number}/edit",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/subgroups/{number}/join",
        f"/subgroups/posts/{number}/delete",
        f"/subgroups/{group.id}/documents/{number}/delete",
        f"/subgroups/{group.id}/requests/{number}/approve",
    ):
        assert client.submit(url).status_code == 404, url


@pytest.mark.parametrize("number", ["9223372036854775808", "99999999999999999999", "2147483647"])
def test_a_huge_page_number_answers_a_page(client, member, make_group, number):
    make_group(members=(member,))
    sign_in(client, member)
    for tab in ("active", "proposed", "archived"):
        assert client.get(f"/subgroups/?tab={tab}&page={number}").status_code == 200
