"""The settings page: admins change what plugins declare, in the browser, validated and audited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import g
from sqlalchemy import select

from intranet.administration.settings import setting
from intranet.extensions import db
from intranet.models import AuditEvent, SettingValue
from intranet_subgroups.models import Membership, SubGroup, today

INVITE = "/partners/invite"


def stored(plugin: str) -> dict[str, Any]:
    rows = db.session.execute(
        select(SettingValue.key, SettingValue.value).where(SettingValue.plugin == plugin)
    )
    return {key: value for key, value in rows}


def partners_form(**values: Any) -> dict[str, Any]:
    data = {
        "partners-inviter_roles": ["secretariat", "admin"],
        "partners-invitation_valid_days": "14",
        "partners-default_access_months": "6",
        "partners-max_access_months": "24",
        "partners-reminder_days": "14",
    }
    data.update({f"partners-{key}": value for key, value in values.items()})
    return data


@pytest.fixture
def group_convened_by(app: Any) -> Any:
    from datetime import timedelta

    from intranet.plugin_api import utcnow

    def make(convenor: Any, name: str) -> SubGroup:
        group = SubGroup(
            name=name,
            kind="topic",
            mandate="Forced labour in agriculture.",
            start_date=today() - timedelta(days=10),
            end_date=today() + timedelta(days=100),
            status="active",
            join_policy="open",
        )
        if convenor is not None:
            group.memberships.append(
                Membership(user_id=convenor.id, role="convenor", state="active", joined_at=utcnow())
            )
        db.session.add(group)
        db.session.commit()
        return group

    return make


def test_the_page_lists_every_plugins_settings_for_admins_only(client, admin, make_user):
    client.login(admin.email)
    page = client.get("/admin/settings/").get_data(as_text=True)
    for plugin in ("partners", "subgroups", "meetings", "governance"):
        assert f'id="settings-{plugin}"' in page
    assert "Roles that may invite partners" in page
    assert 'href="/admin/settings/"' in client.get("/admin/").get_data(as_text=True)

    for role in ("secretariat", "member"):
        client.submit("/logout")
        client.login(make_user(role, email=f"{role}@example.org").email)
        assert client.get("/admin/settings/").status_code == 403
        assert client.submit("/admin/settings/partners", partners_form()).status_code == 403


def test_who_may_invite_is_a_setting_the_admin_changes(client, admin, member):
    client.login(member.email)
    assert client.get(INVITE).status_code == 403
    client.submit("/logout")

    client.login(admin.email)
    page = client.get("/admin/settings/").get_data(as_text=True)
    assert re.search(
        r'<input id="[^"]+" name="partners-inviter_roles" type="checkbox" value="member">', page
    )
    assert re.search(r'<input checked [^>]*value="secretariat">', page)
    answer = client.submit(
        "/admin/settings/partners",
        partners_form(inviter_roles=["member", "secretariat", "admin"]),
    )
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/admin/settings/#settings-partners")
    assert stored("partners") == {"inviter_roles": ["member", "secretariat", "admin"]}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "settings.changed"))
    assert event.target == "plugin:partners"
    assert event.details["changes"] == {"inviter_roles": ["member", "secretariat", "admin"]}
    client.submit("/logout")

    client.login(member.email)
    assert client.get(INVITE).status_code == 200


def test_bad_values_are_refused_next_to_the_field_and_keep_what_was_typed(client, admin):
    client.login(admin.email)
    answer = client.submit(
        "/admin/settings/partners",
        partners_form(invitation_valid_days="0", default_access_months="six"),
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="card settings-section" id="settings-partners"')
    assert 'id="partners-invitation_valid_days-error"' in html
    assert "between 1 and 90" in html
    assert 'id="partners-default_access_months-error"' in html
    assert 'value="six"' in html and 'value="0"' in html
    assert stored("partners") == {}

    unknown_role = client.submit("/admin/settings/partners", partners_form(inviter_roles=["guest"]))
    assert unknown_role.status_code == 422
    assert "not a valid choice" in unknown_role.get_data(as_text=True)
    assert stored("partners") == {}


def test_a_plugins_own_check_runs_on_the_settings_page(client, admin):
    client.login(admin.email)
    data = {
        "governance-rotation_order": ["SE", "DK", "SE"],
        "governance-chair_actions": "meetings.manage",
        "governance-mandate_warning_days": "120",
    }
    answer = client.submit("/admin/settings/governance", data)
    assert answer.status_code == 422
    assert "Each entry may appear only once." in answer.get_data(as_text=True)
    assert stored("governance") == {}

    data["governance-rotation_order"] = ["SE", "DK", "FI"]
    assert client.submit("/admin/settings/governance", data).status_code == 303
    assert stored("governance")["rotation_order"] == ["SE", "DK", "FI"]
    # The governance plugin's own page edits the same value.
    page = client.get("/governance/settings").get_data(as_text=True)
    assert page.index(">Sweden<") < page.index(">Denmark<") < page.index(">Finland<")


def test_an_htmx_save_answers_with_the_section_only(client, admin):
    client.login(admin.email)
    answer = client.submit(
        "/admin/settings/subgroups",
        {"subgroups-edit_window_minutes": "45"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "Settings saved." in html and "<html" not in html
    assert 'value="45"' in html
    # An unticked checkbox is a real choice: "no".
    assert stored("subgroups") == {"edit_window_minutes": 45, "convenors_may_invite": False}
    again = client.submit(
        "/admin/settings/subgroups",
        {"subgroups-edit_window_minutes": "45", "subgroups-convenors_may_invite": "y"},
        headers={"HX-Request": "true"},
    )
    assert "Settings saved." in again.get_data(as_text=True)
    assert stored("subgroups")["convenors_may_invite"] is True


def test_unknown_plugins_answer_404(client, admin):
    client.login(admin.email)
    assert client.submit("/admin/settings/nothing", {}).status_code == 404


def test_a_saved_value_wins_over_the_config_which_wins_over_the_default(app, client, admin):
    def current(key: str = "reminder_hours") -> Any:
        g.pop("intranet_settings", None)  # as at the start of each request
        return setting("meetings", key)

    assert current() == 24
    app.config["MEETINGS_REMINDER_HOURS"] = 48
    assert current() == 48
    client.login(admin.email)
    client.submit("/admin/settings/meetings", {"meetings-reminder_hours": "6"})
    assert current() == 6
    with pytest.raises(KeyError):
        current("no_such_setting")


def test_convenors_may_invite_to_their_own_group_while_the_setting_allows(
    client, admin, member, group_convened_by
):
    own = group_convened_by(member, "Labour exploitation")
    other = group_convened_by(None, "Child trafficking")
    client.login(member.email)
    page = client.get(INVITE).get_data(as_text=True)
    assert f'value="subgroups.group:{own.id}"' in page
    assert f'value="subgroups.group:{other.id}"' not in page
    client.submit("/logout")

    client.login(admin.email)
    client.submit("/admin/settings/subgroups", {"subgroups-edit_window_minutes": "30"})
    assert stored("subgroups") == {"convenors_may_invite": False}
    client.submit("/logout")

    client.login(member.email)
    assert client.get(INVITE).status_code == 403


def test_a_form_sent_without_its_fields_is_refused_or_saved_never_a_crash(client, admin):
    client.login(admin.email)
    answer = client.submit("/admin/settings/governance", {})
    assert answer.status_code == 422
    assert "Not a CBSS member state" not in answer.get_data(as_text=True)
    assert stored("governance") == {}
