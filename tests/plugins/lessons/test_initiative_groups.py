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
    assert "Sub-groups working on it" in page
    found = client.get("/lessons/initiatives/subgroups?subgroups_q=labour").get_data(as_text=True)
    assert '<input type="checkbox" name="subgroups" value="7"> Sub-group: Labour' in found
    assert "Other thing" not in client.get("/lessons/initiatives/subgroups?subgroups_q=thing").text
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
    assert '<input type="checkbox" name="subgroups" value="7" checked> Sub-group: Labour' in edit
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


class OffersManyGroups:
    """Thousands of sub-groups, as at scale; the plugin answers everything, as older ones do."""

    @staticmethod
    @hookimpl
    def intranet_grantable_resources(user):
        return [
            GrantableResource(ResourceRef("subgroups.group", n), f"Sub-group: Topic {n}", f"/g/{n}")
            for n in range(1, 3001)
        ]


def test_the_form_finds_sub_groups_by_name_instead_of_listing_them(app, client, member):
    app.extensions["intranet_plugins"].pm.register(OffersManyGroups, name="offers_many")
    client.login(member.email)
    page = client.get("/lessons/initiatives/new").get_data(as_text=True)
    assert "Find a sub-group by name" in page
    assert "Topic" not in page

    response = client.submit(
        "/lessons/initiatives/new",
        {**FORM, "subgroups": ["12"], "subgroups_q": "topic 3", "subgroups_search": "1"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="Baltic shelter network"' in page
    assert 'name="subgroups" value="12" checked> Sub-group: Topic 12' in page
    assert page.count('name="subgroups" value="') == 1 + 20
    assert "Only the first 20 are shown." in page
    assert db.session.scalar(select(func.count(Initiative.id))) == 0

    fragment = client.get("/lessons/initiatives/subgroups?subgroups_q=topic 2999").text
    assert fragment.count('name="subgroups"') == 1

    response = client.submit("/lessons/initiatives/new", {**FORM, "subgroups": ["12", "2999"]})
    assert response.status_code == 303
    linked = db.session.scalars(select(InitiativeResource.resource_id)).all()
    assert sorted(linked) == [12, 2999]
