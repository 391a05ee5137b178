"""Polls: members ask, vote once each, and the author or the secretariat closes the poll."""

from sqlalchemy import select

from intranet.platform import plugins
from intranet.plugin_api import db
from intranet_polls.models import Poll, Vote

VENUE = {"question": "Where should the autumn plenary meet?", "options": "Riga\nTallinn"}


def ask(client, data=VENUE) -> Poll:
    response = client.submit("/polls/new", data)
    assert response.status_code == 303
    return db.session.scalars(select(Poll).order_by(Poll.id.desc())).first()


def test_a_member_asks_a_poll_and_finds_it_in_the_menu(client, signed_in):
    signed_in("member")
    poll = ask(client)
    assert poll.choices == ["Riga", "Tallinn"]
    page = client.get("/polls/").get_data(as_text=True)
    assert 'href="/polls/"' in page
    assert "Where should the autumn plenary meet?" in page


def test_a_poll_needs_two_choices_and_says_so_next_to_the_field(client, signed_in):
    signed_in("member")
    response = client.submit("/polls/new", {"question": "Yes?", "options": "Yes"})
    assert response.status_code == 422
    assert "Give at least two choices." in response.get_data(as_text=True)


def test_each_member_has_one_vote_and_htmx_gets_the_results_with_the_message(client, signed_in):
    voter = signed_in("member")
    poll = ask(client)
    client.submit(f"/polls/{poll.id}/vote", {"choice": "Riga"})
    response = client.submit(
        f"/polls/{poll.id}/vote", {"choice": "Tallinn"}, headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert "Your vote is counted." in html
    assert db.session.scalars(select(Vote.choice).where(Vote.user_id == voter.id)).all() == [
        "Tallinn"
    ]


def test_only_the_author_or_the_secretariat_closes_a_poll(client, signed_in, make_user):
    signed_in("member")
    poll = ask(client)
    signed_in("member")
    assert client.submit(f"/polls/{poll.id}/close").status_code == 403
    signed_in("secretariat")
    assert client.submit(f"/polls/{poll.id}/close").status_code == 303
    assert client.submit(f"/polls/{poll.id}/vote", {"choice": "Riga"}).status_code == 409


def test_guests_see_no_polls(client, signed_in, guest):
    signed_in(guest)
    assert client.get("/polls/").status_code == 403
    assert plugins.collect("intranet_search", query="plenary", user=guest, limit=5) == []


def test_the_global_search_finds_a_poll(client, signed_in):
    signed_in("member")
    poll = ask(client)
    page = client.get("/search?q=plenary").get_data(as_text=True)
    assert f'<a href="/polls/{poll.id}">Where should the autumn <mark>plenary</mark>' in page


def test_a_members_votes_are_in_their_export_and_gone_after_erasure(client, signed_in, member):
    signed_in(member)
    poll = ask(client)
    client.submit(f"/polls/{poll.id}/vote", {"choice": "Riga"})
    exported = dict(plugins.results("intranet_personal_data", user=member))["polls"]
    assert exported["votes"] == [{"question": VENUE["question"], "choice": "Riga"}]
    plugins.results("intranet_erase_personal_data", user=member)
    assert db.session.scalars(select(Vote)).all() == []


def test_the_demo_has_a_poll_with_votes(demo_data):
    assert db.session.scalars(select(Poll.question)).all() == [
        "Where should the autumn plenary meet?"
    ]
    assert len(db.session.scalars(select(Vote)).all()) == 3
