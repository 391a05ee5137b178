"""Who may use the governance pages; switching the plugin off and on."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from intranet.extensions import db
from intranet_governance.models import Revision


@pytest.mark.parametrize(
    "url",
    [
        "/governance/",
        "/governance/chairmanship",
        "/governance/documents/objectives",
        "/governance/reports",
    ],
)
def test_guests_are_refused_and_anonymous_users_sent_to_login(client, make_user, url):
    assert client.get(url).headers["Location"].startswith("/login")
    guest = make_user("guest")
    client.login(guest.email)
    assert client.get(url).status_code == 403


def test_a_member_may_propose_but_not_revise(client, member, objectives):
    client.login(member.email)
    assert client.get("/governance/documents/objectives/revise").status_code == 403
    response = client.submit(
        "/governance/documents/objectives/revise", {"body": "New", "reason": "Mine"}
    )
    assert response.status_code == 403
    response = client.submit(
        "/governance/documents/objectives/propose", {"body": "Better text", "reason": "Clearer"}
    )
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(Revision.id))) == 2


def test_only_the_secretariat_manages_chairmanship_and_mandate(client, member):
    client.login(member.email)
    for url in ("/governance/chairmanship/new", "/governance/mandate/new", "/governance/settings"):
        assert client.get(url).status_code == 403


def test_disabling_the_plugin_hides_it_and_enabling_brings_it_back(client, admin, objectives):
    client.login(admin.email)
    assert 'href="/governance/"' in client.get("/").get_data(as_text=True)
    response = client.submit("/admin/plugins/governance/disable", {"confirm": "yes"})
    assert response.status_code == 303
    dashboard = client.get("/").get_data(as_text=True)
    assert 'href="/governance/"' not in dashboard
    assert "/governance/widgets/chair" not in dashboard
    assert client.get("/governance/documents/objectives").status_code == 404
    client.submit("/admin/plugins/governance/enable")
    dashboard = client.get("/").get_data(as_text=True)
    assert "/governance/widgets/chair" in dashboard
    page = client.get("/governance/documents/objectives").get_data(as_text=True)
    assert "Avoid duplication." in page
