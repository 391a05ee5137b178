"""Initiatives linked to sub-groups offered through intranet_grantable_resources."""

from __future__ import annotations

from sqlalchemy import func, select

from intranet.extensions import db
from intranet.plugin_api import GrantableResource, ResourceRef, hookimpl
from intranet_lessons.models import Initiative, InitiativeResource
from tests.conftest import contributions

FORM = {
    "name": "Baltic shelter network",
    "countries": ["EE"],
    "level": "regional",
    "area": "protection",
    "description": "Shelters together.",
}


class OffersGroup:
    @staticmethod
    @hookimpl
    def intranet_grantable_resources(user):
        return [
            GrantableResource(ResourceRef("subgroups.group", 7), "Sub-group: Labour", "/g/7"),
            GrantableResource(ResourceRef("other.thing", 8), "Other thing", "/o/8"),
        ]


def sections(app, kind, group_id, viewer):
    with app.test_request_context():
        return contributions(
            "lessons",
            "intranet_resource_sections",
            resource=ResourceRef(kind, group_id),
            viewer=viewer,
        )


def offer_group(app):
    app.extensions["intranet_plugins"].pm.register(OffersGroup, name="offers_group")


def test_the_field_is_hidden_when_no_group_is_offered(client, member):
    client.login(member.email)
    page = client.get("/lessons/initiatives/new").get_data(as_text=True)
    assert "Sub-groups working on it" not in page


def test_an_initiative_linked_to_a_group_shows_on_both_pages(app, client, member):
    offer_group(app)
    client.login(member.email)
    page = client.get("/lessons/initiatives/new").get_data(as_text=True)
    assert "Sub-group: Labour" in page
    assert "Other thing" not in page
    response = client.submit("/lessons/initiatives/new", {**FORM, "subgroups": ["7"]})
    assert response.status_code == 303
    item = db.session.scalar(select(Initiative))
    link = db.session.scalar(select(InitiativeResource))
    assert (link.initiative_id, link.resource_kind, link.resource_id) == (
        item.id,
        "subgroups.group",
        7,
    )
    assert (link.label, link.url) == ("Sub-group: Labour", "/g/7")
    page = client.get(f"/lessons/initiatives/{item.id}").get_data(as_text=True)
    assert '<a href="/g/7">Sub-group: Labour</a>' in page

    [section] = sections(app, "subgroups.group", 7, member)
    assert section.title == "Initiatives and lessons"
    assert section.items == [("Baltic shelter network", f"/lessons/initiatives/{item.id}")]
    assert sections(app, "other.thing", 7, member) == []
    [other] = sections(app, "subgroups.group", 8, member)
    assert other.items == []

    edit = client.get(f"/lessons/initiatives/{item.id}/edit").get_data(as_text=True)
    assert '<input checked id="subgroups-0" name="subgroups" type="checkbox" value="7">' in edit
    response = client.submit(f"/lessons/initiatives/{item.id}/edit", FORM)
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(InitiativeResource)) == 0


def test_an_unknown_group_is_refused(app, client, member):
    offer_group(app)
    client.login(member.email)
    response = client.submit("/lessons/initiatives/new", {**FORM, "subgroups": ["7", "99"]})
    assert response.status_code == 422
    assert 'value="Baltic shelter network"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Initiative.id))) == 0
    assert db.session.scalar(select(func.count()).select_from(InitiativeResource)) == 0
