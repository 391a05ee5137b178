"""Nothing destroys on one click: deleting a post, disabling a plugin, leaving a sub-group,
deleting a chairmanship period and revoking an invitation first ask. Without JavaScript the
POST answers with a page that asks and posts again with confirm=yes; the buttons carry
data-confirm for the dialog of static/js/app.js."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from intranet.extensions import db
from intranet.models import PluginState, utcnow
from intranet_governance.models import ChairPeriod
from intranet_partners.models import Invitation
from intranet_subgroups.models import Membership, Post, SubGroup, Thread, today


def group_with_post(member: Any) -> tuple[SubGroup, Post]:
    group = SubGroup(
        name="Labour exploitation",
        kind="topic",
        mandate="Forced labour in agriculture.",
        start_date=today() - timedelta(days=10),
        end_date=today() + timedelta(days=100),
        status="active",
        join_policy="open",
    )
    group.memberships.append(
        Membership(user_id=member.id, role="member", state="active", joined_at=utcnow())
    )
    db.session.add(group)
    db.session.flush()
    thread = Thread(group_id=group.id, title="Cases in 2026", author_id=member.id)
    post = Post(author_id=member.id, body="Two cases in Riga.")
    thread.posts.append(post)
    db.session.add(thread)
    db.session.commit()
    return group, post


def invitation_by(sponsor: Any) -> Invitation:
    invitation = Invitation(
        email="olena@osce.example",
        name="Olena Kovalenko",
        organisation="OSCE",
        organisation_kind="international",
        sponsor_id=sponsor.id,
        access_ends_on=date.today() + timedelta(days=90),
        token_hash="0" * 64,
        expires_at=utcnow() + timedelta(days=14),
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation


def setup_action(name: str, admin: Any, member: Any) -> tuple[Any, str, str, Callable[[], bool]]:
    """(who acts, the page with the button, the POST URL, whether it has happened)."""
    if name == "delete a post":
        group, post = group_with_post(member)
        return (
            member,
            f"/subgroups/threads/{post.thread_id}",
            f"/subgroups/posts/{post.id}/delete",
            lambda: db.session.get(Post, post.id).deleted_at is not None,
        )
    if name == "leave a sub-group":
        group, _post = group_with_post(member)
        return (
            member,
            f"/subgroups/{group.id}",
            f"/subgroups/{group.id}/leave",
            lambda: (
                not db.session.scalar(
                    select(func.count(Membership.id)).where(Membership.group_id == group.id)
                )
            ),
        )
    if name == "disable a plugin":
        return (admin, "/admin/plugins", "/admin/plugins/example/disable", _example_disabled)
    if name == "delete a chair period":
        period = ChairPeriod(start=date(2031, 7, 1), end=date(2032, 6, 30), country_code="LV")
        db.session.add(period)
        db.session.commit()
        period_id = period.id
        return (
            admin,
            "/governance/chairmanship",
            f"/governance/chairmanship/{period_id}/delete",
            lambda: (
                db.session.scalar(select(ChairPeriod.id).where(ChairPeriod.id == period_id)) is None
            ),
        )
    invitation = invitation_by(admin)
    return (
        admin,
        "/partners/",
        f"/partners/invitations/{invitation.id}/revoke",
        lambda: db.session.get(Invitation, invitation.id).revoked_at is not None,
    )


def _example_disabled() -> bool:
    return (
        db.session.scalar(select(PluginState.enabled).where(PluginState.name == "example")) is False
    )


ACTIONS = [
    "delete a post",
    "leave a sub-group",
    "disable a plugin",
    "delete a chair period",
    "revoke an invitation",
]


@pytest.mark.parametrize("name", ACTIONS)
def test_a_destructive_action_asks_first_and_only_a_confirmed_post_acts(
    client, admin, member, name
):
    actor, page, url, happened = setup_action(name, admin, member)
    client.login(actor.email)
    button_page = client.get(page).get_data(as_text=True)
    assert f'action="{url}"' in button_page
    assert "data-confirm=" in button_page[button_page.index(f'action="{url}"') :][:900]

    asked = client.submit(url)
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert 'id="confirm-title"' in text and "?</h1>" in text
    assert f'action="{url}"' in text and 'name="confirm" value="yes"' in text
    assert not happened()

    assert client.submit(url, {"confirm": "yes"}).status_code in (200, 303)
    assert happened()


def test_the_plugin_message_has_a_fixed_place_and_the_changed_button_gets_the_focus(client, admin):
    client.login(admin.email)
    page = client.get("/admin/plugins").get_data(as_text=True)
    assert 'id="plugins-status"' in page
    assert page.index('id="plugins-status"') < page.index('id="plugins-panel"')
    fragment = client.submit(
        "/admin/plugins/example/disable", {"confirm": "yes"}, headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert 'id="plugins-status" hx-swap-oob="innerHTML"' in fragment
    panel = fragment[fragment.index('id="plugins-panel"') :]
    assert "Plugin “example” disabled." not in panel  # the rows stay where they were
    row = panel[panel.index('id="plugin-example"') :]
    assert "autofocus" in row[: row.index("</tr>")]
