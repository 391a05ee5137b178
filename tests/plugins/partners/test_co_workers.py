"""A guest sees the people it works with (the members of what it was granted), nobody else."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from intranet.extensions import db
from intranet.models import User
from intranet.plugin_api import hookimpl
from intranet_partners.models import Grant
from tests.plugins.partners.test_guest_access import (
    all_ids,
    reached_pages,
    the_guest,
    what_can_this_guest_see,
)


@pytest.fixture
def team(app, notes, make_user):
    """A plugin saying who works on each note: Ivan and Inga on the shared note, Olga on the
    other."""
    ivan = make_user("member", email="ivan@example.org", name="Ivan Coworker")
    inga = make_user("member", email="inga@example.org", name="Inga Coworker")
    olga = make_user("member", email="olga@example.org", name="Olga Other")
    asked = []

    class Team:
        @hookimpl
        def intranet_resource_members(self, resource):
            if resource.kind != "example.note":
                return None
            asked.append(resource.id)
            member_ids = [ivan.id, inga.id] if resource.id == notes[0].id else [olga.id]
            return [db.session.get(User, member_id) for member_id in member_ids]

    app.extensions["intranet_plugins"].pm.register(Team(), name="team")
    return SimpleNamespace(ivan=ivan, inga=inga, olga=olga, asked=asked)


def test_a_guest_opens_the_profiles_of_its_co_workers_only(guest_client, team):
    assert guest_client.get(f"/members/{team.ivan.id}").status_code == 200
    assert guest_client.get(f"/members/{team.ivan.id}.vcf").status_code == 200
    assert guest_client.get(f"/members/{team.olga.id}").status_code == 404
    assert guest_client.get(f"/members/{team.olga.id}.vcf").status_code == 404
    assert guest_client.get("/directory").status_code in (403, 404)


def test_co_workers_are_asked_for_once_per_request(guest_client, team):
    team.asked.clear()
    assert guest_client.get(f"/members/{team.ivan.id}").status_code == 200
    assert len(team.asked) == 1


def test_my_access_lists_the_people_i_work_with(guest_client, team):
    page = guest_client.get("/partners/me").get_data(as_text=True)
    assert f'href="/members/{team.ivan.id}">Ivan Coworker</a>' in page
    assert f'href="/members/{team.inga.id}">Inga Coworker</a>' in page
    assert page.index("Inga Coworker") < page.index("Ivan Coworker")  # by name
    assert "Olga Other" not in page


def test_what_this_guest_can_see_lists_its_co_workers_as_it_reaches_them(
    app, client, guest_client, notes, secretariat, team
):
    guest = the_guest()
    listed = what_can_this_guest_see(client, guest.id)
    assert {f"/members/{team.ivan.id}", f"/members/{team.ivan.id}.vcf"} <= listed
    assert f"/members/{team.olga.id}" not in listed
    page = client.get(f"/partners/guests/{guest.id}/access").get_data(as_text=True)
    assert "Ivan Coworker" in page and "Olga Other" not in page

    ids = all_ids(notes, guest, [secretariat.id, team.ivan.id, team.inga.id, team.olga.id])
    assert reached_pages(app, guest_client, ids) == listed


def test_co_workers_go_out_of_sight_with_the_grant(client, guest_client, secretariat, team):
    guest = the_guest()
    grant = db.session.scalar(select(Grant).where(Grant.guest_id == guest.id))
    client.login(secretariat.email)
    client.submit(f"/partners/guests/{guest.id}/grants/{grant.id}/remove")
    assert guest_client.get(f"/members/{team.ivan.id}").status_code == 404
    assert "Ivan Coworker" not in guest_client.get("/partners/me").get_data(as_text=True)


def test_members_are_not_affected(client, member, team):
    client.login(member.email)
    assert client.get(f"/members/{team.olga.id}").status_code == 200
