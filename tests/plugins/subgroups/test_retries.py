"""A thread or reply sent twice (a retry after a dropped answer, a double click) is saved once."""

from __future__ import annotations

from sqlalchemy import func, select

from intranet.extensions import db
from intranet.platform import submissions
from intranet_subgroups.models import Post, Thread
from tests.plugins.subgroups.conftest import sign_in
from tests.retry_helpers import submission_token, submit_twice

THREAD = {"title": "Indicators", "body": "A first draft of the indicators."}


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_thread_sent_twice_is_started_once_and_both_answers_lead_to_it(
    client, member, make_group
):
    group = make_group(members=(member,))
    sign_in(client, member)
    first, second = submit_twice(client, f"/subgroups/{group.id}/threads/new", THREAD)
    assert count(Thread) == 1 and count(Post) == 1
    assert first.status_code == second.status_code == 303
    assert second.location == first.location
    page = client.get(second.location).get_data(as_text=True)
    assert "Indicators" in page and "already been sent" in page


def test_a_reply_sent_twice_is_posted_once(client, member, make_group, make_thread):
    group = make_group(members=(member,))
    thread = make_thread(group, member)
    sign_in(client, member)
    before = count(Post)
    first, second = submit_twice(
        client,
        f"/subgroups/threads/{thread.id}",
        {"body": "Agreed."},
        action=f"/subgroups/threads/{thread.id}/reply",
    )
    assert count(Post) == before + 1
    assert second.location == first.location and "#post-" in first.location


def test_each_opening_of_the_form_is_a_new_submission(client, member, make_group):
    group = make_group(members=(member,))
    sign_in(client, member)
    submit_twice(client, f"/subgroups/{group.id}/threads/new", THREAD)
    submit_twice(client, f"/subgroups/{group.id}/threads/new", {**THREAD, "title": "Another"})
    assert count(Thread) == 2


def test_a_corrected_submission_is_saved(client, member, make_group):
    group = make_group(members=(member,))
    sign_in(client, member)
    page = client.get(f"/subgroups/{group.id}/threads/new")
    token = submission_token(page)
    url = f"/subgroups/{group.id}/threads/new"
    refused = client.submit(url, {"title": "", "body": "x", "submission_token": token})
    assert refused.status_code == 422
    corrected = {**THREAD, "submission_token": submission_token(refused)}
    assert client.submit(url, corrected).status_code == 303
    assert count(Thread) == 1


def test_a_duplicate_arriving_while_the_first_commits_is_rolled_back(
    client, member, make_group, monkeypatch
):
    """The second copy passes the look-up before the first committed; its own commit then
    fails on the token, its thread is rolled back, and it answers like the first."""
    group = make_group(members=(member,))
    sign_in(client, member)
    url = f"/subgroups/{group.id}/threads/new"
    sent = {**THREAD, "submission_token": submission_token(client.get(url))}
    first = client.submit(url, sent)
    looked_up = submissions._recorded
    calls = iter([False])  # the first look-up happens before the first copy committed

    def recorded(token: str) -> bool:
        return next(calls, None) or looked_up(token)

    monkeypatch.setattr(submissions, "_recorded", recorded)
    second = client.submit(url, sent)
    assert count(Thread) == 1
    assert second.status_code == 303 and second.location == first.location


def test_an_htmx_duplicate_is_sent_to_the_same_thread(client, member, make_group):
    group = make_group(members=(member,))
    sign_in(client, member)
    url = f"/subgroups/{group.id}/threads/new"
    sent = {**THREAD, "submission_token": submission_token(client.get(url))}
    first = client.submit(url, sent)
    second = client.submit(url, sent, headers={"HX-Request": "true"})
    assert count(Thread) == 1
    assert second.headers["HX-Redirect"] == first.location
