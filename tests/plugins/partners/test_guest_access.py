"""A guest reaches exactly its grants, until access ends; disabling the plugin never widens it."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from intranet.access import declared_access
from intranet.extensions import db
from intranet.models import User
from intranet.platform import plugins
from intranet.plugin_api import ResourceRef, hookimpl
from intranet_partners import expiry, rules, service
from intranet_partners.models import Grant, Guest, Invitation
from tests.conftest import PASSWORD
from tests.plugins.partners.conftest import GUEST_PASSWORD, RENEWED_UNTIL, audit_actions


def the_guest() -> User:
    return db.session.scalar(select(User).where(User.email == "nora@ngo.example"))


def reached_pages(app, browser, ids: list[int]) -> set[str]:
    """Every GET URL of the app (parameters filled with each of `ids`) that answers 200."""
    adapter = app.url_map.bind("localhost")
    reached = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        if declared_access(rule.endpoint).anonymous:
            continue
        defaults = rule.defaults or {}
        names = sorted(rule.arguments - set(defaults))
        for combination in itertools.product(ids, repeat=len(names)):
            values = {**defaults, **dict(zip(names, combination, strict=True))}
            url = adapter.build(rule.endpoint, values)
            response = browser.get(url)
            assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
            if response.status_code == 200:
                reached.add(url)
    return reached


def what_can_this_guest_see(client, guest_id: int) -> set[str]:
    client.login("sofia@example.org", PASSWORD)
    html = client.get(f"/partners/guests/{guest_id}/access").get_data(as_text=True)
    resources = re.search(r'id="reachable-resources">(.*?)</ul>', html, re.S).group(1)
    pages = re.search(r'id="reachable-pages">(.*?)</ul>', html, re.S).group(1)
    return set(re.findall(r'href="([^"]+)"', resources)) | set(
        re.findall(r"<code>(.*?)</code>", pages)
    )


def all_ids(notes, guest, others) -> list[int]:
    invitation = db.session.scalar(select(Invitation.id))
    grant = db.session.scalar(select(Grant.id))
    return sorted({notes[0].id, notes[1].id, guest.id, invitation, grant, *others})


def test_a_guest_reaches_exactly_what_the_access_page_lists(
    app, client, guest_client, notes, secretariat, member
):
    guest = the_guest()
    listed = what_can_this_guest_see(client, guest.id)
    assert f"/example/notes/{notes[0].id}" in listed
    assert f"/example/notes/{notes[1].id}" not in listed
    assert {"/", "/partners/me"} <= listed

    reached = reached_pages(app, guest_client, all_ids(notes, guest, [secretariat.id, member.id]))
    assert reached == listed, (reached, listed)
    assert len(reached) >= 5, reached


def test_forged_urls_to_other_resources_are_refused(guest_client, notes, secretariat):
    guest = the_guest()
    assert guest_client.get(f"/example/notes/{notes[1].id}").status_code == 404
    assert guest_client.get(f"/partners/guests/{guest.id}").status_code == 403
    assert guest_client.get(f"/partners/guests/{guest.id}/access").status_code == 403
    assert guest_client.get("/partners/").status_code == 403
    assert guest_client.get("/partners/organisations.csv").status_code == 403
    invitation = db.session.scalar(select(Invitation.id))
    assert guest_client.submit(f"/partners/invitations/{invitation}/resend").status_code == 403


def test_a_grant_never_makes_a_guest_an_inviter(guest_client, notes):
    guest = the_guest()
    ref = ResourceRef("example.note", notes[0].id)
    assert plugins.can(guest, "example.view", ref)
    assert not plugins.can(guest, "partners.invite", ref)
    assert not rules.may_invite(guest)


def test_disabling_the_plugin_takes_access_away_and_gives_nothing_new(
    app, client, admin, guest_client, notes, secretariat, member
):
    guest = the_guest()
    ids = all_ids(notes, guest, [secretariat.id, member.id, admin.id])
    before = reached_pages(app, guest_client, ids)
    client.login(admin.email)
    assert client.submit("/admin/plugins/partners/disable", {"confirm": "yes"}).status_code == 303

    after = reached_pages(app, guest_client, ids)
    assert f"/example/notes/{notes[0].id}" not in after
    assert after < before
    assert not plugins.can(guest, "example.view", ResourceRef("example.note", notes[0].id))
    assert guest_client.get("/invite/anything").status_code == 404

    client.submit("/admin/plugins/partners/enable")
    assert guest_client.get(f"/example/notes/{notes[0].id}").status_code == 200


def test_the_expiry_job_ends_access_and_sessions(app, guest_client, notes):
    guest = the_guest()
    db.session.get(Guest, guest.id).access_ends_on = service.today() - timedelta(days=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["intranet", "expire-guests"])
    assert "1 guest account deactivated" in result.output
    db.session.refresh(guest)
    assert not guest.is_active
    assert guest_client.get(f"/example/notes/{notes[0].id}").status_code == 302
    assert "partners.guest.expired" in audit_actions()
    again = app.test_cli_runner().invoke(args=["intranet", "expire-guests"])
    assert "0 guest accounts" in again.output


def test_a_guest_past_the_end_date_is_signed_out_on_the_next_request(guest_client, notes):
    guest = the_guest()
    db.session.get(Guest, guest.id).access_ends_on = service.today() - timedelta(days=1)
    db.session.commit()
    response = guest_client.get(f"/example/notes/{notes[0].id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.refresh(guest)
    assert not guest.is_active
    assert guest_client.get("/").status_code == 302
    assert audit_actions().count("partners.guest.expired") == 1
    assert guest_client.login("nora@ngo.example", GUEST_PASSWORD).status_code == 403


def test_access_lasts_through_the_end_date(guest_client, notes):
    guest = the_guest()
    db.session.get(Guest, guest.id).access_ends_on = service.today()
    db.session.commit()
    assert guest_client.get(f"/example/notes/{notes[0].id}").status_code == 200


def test_the_sponsor_is_reminded_once_before_access_ends(app, guest_client, outbox):
    guest = the_guest()
    db.session.get(Guest, guest.id).access_ends_on = service.today() + timedelta(days=10)
    db.session.commit()
    mails_before = len(outbox())
    assert expiry.remind_sponsors() == 1
    mail = outbox()[-1]
    assert mail["To"] == "sofia@example.org"
    assert "ends on" in mail["Subject"]
    assert expiry.remind_sponsors() == 0
    assert len(outbox()) == mails_before + 1


def test_the_sponsor_renews_and_an_ended_guest_comes_back(client, guest_client, new_client):
    guest = the_guest()
    db.session.get(Guest, guest.id).access_ends_on = service.today() - timedelta(days=1)
    db.session.commit()
    expiry.expire_due_guests()
    client.login("sofia@example.org")
    refused = client.submit(f"/partners/guests/{guest.id}/renew", {"access_ends_on": "2000-01-01"})
    assert refused.status_code == 422
    assert "in the past" in refused.get_data(as_text=True)
    assert "partners.guest.renew_refused" in audit_actions()

    renewed = client.submit(f"/partners/guests/{guest.id}/renew", {"access_ends_on": RENEWED_UNTIL})
    assert renewed.status_code == 303
    assert str(db.session.get(Guest, guest.id).access_ends_on) == RENEWED_UNTIL
    assert new_client().login("nora@ngo.example", GUEST_PASSWORD).status_code == 302
    assert "partners.guest.renewed" in audit_actions()


@pytest.fixture
def grant_events(app):
    events = []

    class Recorder:
        @hookimpl
        def intranet_guest_grants_changed(self, guest, granted):
            events.append((guest.email, sorted(ref.id for ref in granted)))

    app.extensions["intranet_plugins"].pm.register(Recorder(), name="recorder")
    return events


def test_grants_can_be_added_and_removed_at_any_time(client, guest_client, notes, grant_events):
    guest = the_guest()
    client.login("sofia@example.org")
    added = client.submit(
        f"/partners/guests/{guest.id}/grants", {"resources": [f"example.note:{notes[1].id}"]}
    )
    assert added.status_code == 303
    assert guest_client.get(f"/example/notes/{notes[1].id}").status_code == 200
    assert grant_events[-1] == ("nora@ngo.example", [notes[0].id, notes[1].id])

    grant = db.session.scalar(select(Grant).where(Grant.resource_id == notes[0].id))
    removed = client.submit(f"/partners/guests/{guest.id}/grants/{grant.id}/remove")
    assert removed.status_code == 303
    assert guest_client.get(f"/example/notes/{notes[0].id}").status_code == 404
    assert grant_events[-1] == ("nora@ngo.example", [notes[1].id])
    assert {"partners.grants.added", "partners.grants.removed"} <= set(audit_actions())


def test_granting_something_the_sponsor_cannot_see_is_refused(client, guest_client, notes):
    guest = the_guest()
    client.login("sofia@example.org")
    response = client.submit(
        f"/partners/guests/{guest.id}/grants", {"resources": ["subgroups.group:7"]}
    )
    assert response.status_code == 422
    assert (
        db.session.scalar(select(Grant.id).where(Grant.resource_kind == "subgroups.group")) is None
    )
    assert "partners.grants.refused" in audit_actions()


def test_a_guest_whose_sponsor_leaves_is_flagged_to_the_secretariat(
    app, client, make_user, notes, outbox, new_client, secretariat
):
    app.config["PARTNERS_INVITER_ROLES"] = ["secretariat", "admin", "member"]
    sponsor = make_user("member", email="erik@example.org", name="Erik Sponsor")
    client.login(sponsor.email)
    from tests.plugins.partners.conftest import invitation_link, invite_data

    client.submit("/partners/invite", invite_data([notes[0].id]))
    new_client().submit(
        invitation_link(outbox()[-1]), {"password": GUEST_PASSWORD, "confirm": GUEST_PASSWORD}
    )
    sponsor.is_active_account = False
    sponsor.end_all_sessions()
    db.session.commit()
    plugins.notify_event("intranet_user_deactivated", user=sponsor)

    mail = outbox()[-1]
    assert mail["To"] == secretariat.email
    assert "need a new sponsor" in mail["Subject"]
    client.login(secretariat.email)
    assert "Sponsor left" in client.get("/partners/").get_data(as_text=True)


def test_what_a_guest_can_see_is_read_from_its_grants_not_from_everything_grantable(
    app, client, guest_client, notes
):
    asked = []

    class Offer:
        @hookimpl
        def intranet_grantable_resources(self, user):
            asked.append(user.email)
            return []

    app.extensions["intranet_plugins"].pm.register(Offer(), name="offer")
    listed = what_can_this_guest_see(client, the_guest().id)
    assert f"/example/notes/{notes[0].id}" in listed
    assert f"/example/notes/{notes[1].id}" not in listed
    assert asked == []
