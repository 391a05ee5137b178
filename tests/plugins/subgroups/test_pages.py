"""The sub-group pages as each role sees them."""

from __future__ import annotations

from sqlalchemy import func, select

from intranet.plugin_api import db
from intranet_subgroups.models import Membership, SubGroup
from tests.plugins.subgroups.conftest import sign_in


def test_member_sees_the_list_and_the_group_page(client, member, make_group, make_user):
    expert = make_user("member", name="Kadri Tamm", country_code="EE")
    group = make_group(convenor=expert)
    sign_in(client, member)
    listing = client.get("/subgroups/").get_data(as_text=True)
    assert "Labour exploitation" in listing
    page = client.get(f"/subgroups/{group.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Kadri Tamm" in html and "(Estonia)" in html and "Convenor" in html
    assert "Forced labour in agriculture" in html


def test_anonymous_visitors_are_sent_to_login(client, make_group):
    group = make_group()
    for url in ("/subgroups/", f"/subgroups/{group.id}", "/subgroups/propose", "/subgroups/mine"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location


def test_guest_without_a_grant_sees_nothing(client, make_user, make_group, make_thread, member):
    guest = make_user("guest")
    group = make_group(convenor=member)
    thread = make_thread(group, member)
    sign_in(client, guest)
    assert client.get(f"/subgroups/{group.id}").status_code == 404
    assert client.get(f"/subgroups/threads/{thread.id}").status_code == 404
    assert "Labour exploitation" not in client.get("/subgroups/").get_data(as_text=True)
    assert client.get("/subgroups/propose").status_code == 403
    assert client.submit(f"/subgroups/{group.id}/join").status_code == 403


def test_guest_with_a_grant_sees_and_posts_in_that_group_only(
    client, make_user, make_group, make_thread, member, grants
):
    guest = make_user("guest")
    granted = make_group("Victim assistance", convenor=member)
    other = make_group("Data collection", convenor=member)
    db.session.add(Membership(group_id=granted.id, user_id=guest.id, role="participant"))
    db.session.commit()
    grants.granted.add(granted.id)
    sign_in(client, guest)
    assert client.get(f"/subgroups/{granted.id}").status_code == 200
    assert "Victim assistance" in client.get("/subgroups/").get_data(as_text=True)
    response = client.submit(
        f"/subgroups/{granted.id}/threads/new", {"title": "From a partner", "body": "Hello"}
    )
    assert response.status_code == 303
    assert client.get(f"/subgroups/{other.id}").status_code == 404
    refused = client.submit(
        f"/subgroups/{other.id}/threads/new", {"title": "Outside", "body": "Hello"}
    )
    assert refused.status_code == 404
    from intranet_subgroups.models import Thread

    assert db.session.scalar(select(func.count(Thread.id))) == 1


def test_member_proposes_and_the_secretariat_approves(client, member, secretariat):
    sign_in(client, member)
    response = client.submit(
        "/subgroups/propose",
        {
            "name": "Online recruitment",
            "kind": "project",
            "mandate": "How traffickers recruit through social media.",
            "start_date": "2030-01-01",
            "end_date": "2030-12-31",
            "join_policy": "request",
        },
    )
    assert response.status_code == 303
    group = db.session.scalar(select(SubGroup))
    assert group.status == "proposed"
    assert [(m.user_id, m.role) for m in group.memberships] == [(member.id, "convenor")]
    assert client.submit(f"/subgroups/{group.id}/approve").status_code == 403
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    sign_in(client, secretariat)
    assert client.submit(f"/subgroups/{group.id}/approve").status_code == 303
    db.session.refresh(group)
    assert group.status == "active" and group.approved_by_id == secretariat.id


def test_secretariat_creates_an_active_group_with_chosen_convenors(
    client, secretariat, member, make_user
):
    other = make_user("member")
    sign_in(client, secretariat)
    response = client.submit(
        "/subgroups/propose",
        {
            "name": "Child trafficking",
            "kind": "topic",
            "mandate": "Protection of children.",
            "start_date": "2030-01-01",
            "end_date": "2030-12-31",
            "join_policy": "open",
            "convenors": [str(member.id), str(other.id)],
        },
    )
    assert response.status_code == 303
    group = db.session.scalar(select(SubGroup))
    assert group.status == "active"
    assert sorted(m.user_id for m in group.memberships) == sorted([member.id, other.id])


def test_end_before_start_is_refused_and_nothing_is_stored(client, member):
    sign_in(client, member)
    response = client.submit(
        "/subgroups/propose",
        {
            "name": "Backwards",
            "kind": "topic",
            "mandate": "Dates the wrong way round.",
            "start_date": "2030-12-31",
            "end_date": "2030-01-01",
            "join_policy": "open",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The end date cannot be before the start date." in html
    assert 'value="Backwards"' in html
    assert db.session.scalar(select(func.count(SubGroup.id))) == 0


def test_convenors_are_found_by_name_and_guests_never_convene(
    client, secretariat, member, make_user
):
    wanted = make_user("member", name="Mikael Lindqvist")
    guest = make_user("guest", name="Mikael Guest")
    sign_in(client, secretariat)
    assert "Mikael" not in client.get("/subgroups/propose").get_data(as_text=True)
    draft = {
        "name": "Child trafficking",
        "kind": "topic",
        "mandate": "Protection of children.",
        "start_date": "2030-01-01",
        "end_date": "2030-12-31",
        "join_policy": "open",
    }
    searched = {**draft, "convenors_q": "lindq", "convenors_search": "1"}
    found = client.submit("/subgroups/propose", searched).get_data(as_text=True)
    assert f'type="checkbox" name="convenors" value="{wanted.id}"' in found
    assert db.session.scalar(select(SubGroup)) is None
    chosen = {**draft, "convenors": [str(wanted.id), str(guest.id)]}
    assert client.submit("/subgroups/propose", chosen).status_code == 303
    group = db.session.scalar(select(SubGroup))
    assert [m.user_id for m in group.memberships] == [wanted.id]
