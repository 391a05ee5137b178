"""The plugin manager: discovery, enabling and disabling, isolation of failures, the veto rule."""

from __future__ import annotations

import inspect
import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

import intranet_example
from intranet import create_app, hookspecs
from intranet.accounts.users import create_user
from intranet.extensions import db
from intranet.models import AuditEvent, PluginState
from intranet.platform import plugins
from intranet.plugin_api import ResourceRef

DOCS = Path(__file__).parent.parent / "docs" / "plugins.md"


def test_third_party_plugin_is_discovered_through_its_entry_point(app):
    info = plugins.registry().plugins["example"]
    assert info.module is intranet_example
    assert info.version == "1.2.0"
    assert info.blueprints == ["example"]
    assert not info.internal


def test_plugin_migrations_run_on_their_own_branch(app, admin):
    db.session.add(intranet_example.ExampleNote(text="from a migrated table", author_id=admin.id))
    db.session.commit()
    assert db.session.scalar(select(intranet_example.ExampleNote.text)) == "from a migrated table"


def test_admin_sees_every_installed_plugin(client, admin):
    client.login(admin.email)
    page = client.get("/admin/plugins").get_data(as_text=True)
    assert "example" in page
    assert "1.2.0" in page
    assert "Example notes: a third-party plugin used by the test suite." in page
    assert "Enabled" in page


def test_members_cannot_manage_plugins(client, member):
    client.login(member.email)
    assert client.get("/admin/plugins").status_code == 403
    assert client.submit("/admin/plugins/example/disable", {"confirm": "yes"}).status_code == 403
    assert plugins.is_enabled("example")


def test_disabling_a_plugin_hides_everything_it_contributes(client, admin):
    client.login(admin.email)
    assert "Example notes</a>" in client.get("/").get_data(as_text=True)
    assert client.get("/example/").status_code == 200

    response = client.submit("/admin/plugins/example/disable", {"confirm": "yes"})
    assert response.status_code == 303

    dashboard = client.get("/").get_data(as_text=True)
    assert "Example notes</a>" not in dashboard
    assert "Example widget" not in dashboard
    assert client.get("/example/").status_code == 404
    assert client.get("/example/widget").status_code == 404
    assert plugins.collect("intranet_search", query="x", user=admin, limit=5) == []


def test_enabling_brings_the_plugin_back_with_its_data(client, admin):
    db.session.add(intranet_example.ExampleNote(text="kept while disabled", author_id=admin.id))
    db.session.commit()
    client.login(admin.email)
    client.submit("/admin/plugins/example/disable", {"confirm": "yes"})
    client.submit("/admin/plugins/example/enable")
    assert "Example notes" in client.get("/").get_data(as_text=True)
    assert "kept while disabled" in client.get("/example/").get_data(as_text=True)


def test_htmx_toggle_returns_the_panel_and_the_new_navigation(client, admin):
    client.login(admin.email)
    response = client.submit(
        "/admin/plugins/example/disable", {"confirm": "yes"}, headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="plugins-panel"' in html
    navigation, _, panel = html.partition('<div id="plugins-panel">')
    assert 'hx-swap-oob="true"' in navigation
    assert "Example notes</a>" not in navigation
    assert "<html" not in html
    assert "Disabled" in panel


def test_toggles_are_audited_and_fire_the_plugins_events(client, admin):
    intranet_example.EVENTS.clear()
    client.login(admin.email)
    client.submit("/admin/plugins/example/disable", {"confirm": "yes"})
    client.submit("/admin/plugins/example/enable")
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("plugin.%")).order_by(AuditEvent.id)
    ).all()
    assert actions == ["plugin.disabled", "plugin.enabled"]
    assert ("plugin_disabled", "example") in intranet_example.EVENTS
    assert ("plugin_enabled", "example") in intranet_example.EVENTS


def test_unknown_or_internal_plugins_cannot_be_toggled(client, admin):
    client.login(admin.email)
    assert client.submit("/admin/plugins/nope/disable", {"confirm": "yes"}).status_code == 404
    assert client.submit("/admin/plugins/core/disable", {"confirm": "yes"}).status_code == 404
    assert client.submit("/admin/plugins/example/explode").status_code == 404


def test_every_worker_follows_a_toggle_on_its_next_request(app, config, client, admin):
    other_worker = create_app(config)
    other_worker.test_client_class = type(client)
    other = other_worker.test_client()
    with other_worker.app_context():
        other.login(admin.email)
        assert other.get("/example/").status_code == 200
    client.login(admin.email)
    client.submit("/admin/plugins/example/disable", {"confirm": "yes"})
    with other_worker.app_context():
        assert other.get("/example/").status_code == 404
    state = db.session.get(PluginState, "example")
    assert state.version >= 1 and not state.enabled


@pytest.mark.plugin_failure_expected
def test_a_failing_event_handler_is_logged_and_does_not_break_the_action(app, caplog):
    caplog.set_level(logging.ERROR)
    user, _ = create_user(
        email="boom@example.org",
        name="Explode Test",
        role="member",
        password="a fine long passphrase",
    )
    assert user.id is not None
    assert "example failed in intranet_user_created" in caplog.text


@pytest.mark.plugin_failure_expected
def test_a_failing_page_hook_leaves_the_page_working(app, client, admin, monkeypatch, caplog):
    def broken(user):
        raise RuntimeError("widget hook broken")

    monkeypatch.setattr(intranet_example, "intranet_dashboard_widgets", broken)
    impl = next(
        impl
        for impl in plugins.registry().pm.hook.intranet_dashboard_widgets.get_hookimpls()
        if impl.plugin_name == "example"
    )
    monkeypatch.setattr(impl, "function", broken)
    client.login(admin.email)
    response = client.get("/")
    assert response.status_code == 200
    assert "Welcome" in response.get_data(as_text=True)
    assert "example failed in intranet_dashboard_widgets" in caplog.text


def test_permission_veto_rule(app, make_user):
    member, guest = make_user("member"), make_user("guest")
    assert plugins.can(member, "anything.view") is True
    assert plugins.can(guest, "anything.view") is False
    assert plugins.can(member, "example.veto") is False
    assert plugins.can(guest, "example.allow-guest") is True
    assert plugins.can(member, "anything.manage", roles=("secretariat",)) is False
    assert plugins.can(None, "anything.view") is False
    ref = ResourceRef("example.note", 1)
    assert plugins.can(guest, "example.allow-guest", ref) is True


def test_veto_wins_over_allow(app, make_user):
    member = make_user("member")

    class AlwaysAllow:
        from intranet.plugin_api import hookimpl

        @hookimpl
        def intranet_permission(self, action):
            return True

    plugins.registry().pm.register(AlwaysAllow(), name="always-allow")
    try:
        assert plugins.can(member, "example.veto") is False
        assert plugins.can(make_user("guest"), "other.view") is True
    finally:
        plugins.registry().pm.unregister(name="always-allow")


def test_every_hook_is_documented():
    documented = set(re.findall(r"^### (intranet_\w+)\(", DOCS.read_text(), re.MULTILINE))
    specs = {
        name
        for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("intranet_")
    }
    assert specs, "no hook specifications found"
    assert specs - documented == set(), "hooks missing from docs/plugins.md"
    assert documented - specs == set(), "docs/plugins.md documents hooks that do not exist"


def test_every_hookspec_has_a_docstring():
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction):
        if name.startswith("intranet_"):
            assert (function.__doc__ or "").strip(), name


def test_similar_work_merges_every_plugin_best_first(app, make_user):
    from intranet.plugin_api import SimilarItem, hookimpl

    class Registry:
        @hookimpl
        def intranet_similar_work(self, text, limit):
            return [
                SimilarItem("Initiative", "Weak match", "/w", 0.2),
                SimilarItem("Initiative", "Strong match", "/s", 0.9),
            ]

    class Groups:
        @hookimpl
        def intranet_similar_work(self, text):
            return [SimilarItem("Sub-group", "Middle match", "/m", 0.5)]

    pm = plugins.registry().pm
    pm.register(Registry(), name="registry-test")
    pm.register(Groups(), name="groups-test")
    try:
        member = make_user()
        found = plugins.similar_work("zqxjv unmatched words", member, limit=2)
        assert [item.title for item in found] == ["Strong match", "Middle match"]
        assert plugins.similar_work("   ", member) == []
    finally:
        pm.unregister(name="registry-test")
        pm.unregister(name="groups-test")


def test_plugins_banners_show_under_the_header(app, client, member):
    from intranet.plugin_api import Banner, hookimpl

    class Notices:
        @hookimpl
        def intranet_banners(self, user):
            return [Banner("The mandate ends in 90 days.", "/governance", "Read more", "warning")]

    plugins.registry().pm.register(Notices(), name="notices-test")
    try:
        client.login(member.email)
        html = client.get("/").get_data(as_text=True)
        assert '<p class="banner banner-warning">The mandate ends in 90 days.' in html
        assert '<a href="/governance">Read more</a>' in html
    finally:
        plugins.registry().pm.unregister(name="notices-test")


def test_the_plugins_setting_loads_only_the_named_plugins(config):
    config["PLUGINS"] = ["example"]
    assert set(create_app(config).extensions["intranet_plugins"].plugins) == {
        "core",
        "privacy",
        "example",
    }


def test_the_plugins_setting_comes_from_the_environment_too(config, monkeypatch):
    del config["PLUGINS"]
    monkeypatch.setenv("INTRANET_PLUGINS", "example, meetings")
    registry = create_app(config).extensions["intranet_plugins"]
    assert {info.name for info in registry.external} == {"example", "meetings"}


def test_the_plugins_setting_refuses_a_plugin_that_is_not_installed(config):
    config["PLUGINS"] = ["example", "no-such-plugin"]
    with pytest.raises(RuntimeError, match="no-such-plugin"):
        create_app(config)


def test_on_a_fresh_installation_every_plugin_starts_enabled(app):
    plugins.sync_plugin_states()
    assert db.session.scalars(select(PluginState.name).where(PluginState.enabled)).all()
    assert not db.session.scalars(select(PluginState.name).where(~PluginState.enabled)).all()


def test_a_plugin_installed_after_init_starts_disabled_until_an_admin_enables_it(
    app, client, make_user
):
    plugins.sync_plugin_states()
    db.session.delete(db.session.get(PluginState, "example"))
    db.session.commit()
    client.login(make_user("admin").email)

    plugins.sync_plugin_states()
    assert not db.session.get(PluginState, "example").enabled
    assert client.get("/example/").status_code == 404
    assert plugins.is_enabled("meetings")
    client.submit("/admin/plugins/example/enable")
    assert client.get("/example/").status_code == 200


def test_collect_gives_one_dict_per_plugin_for_a_hook_that_returns_dicts(app, make_user):
    from intranet.plugin_api import hookimpl

    class Exports:
        @hookimpl
        def intranet_personal_data(self, user):
            return {"votes": 3, "polls": ["Venue"]}

    plugins.registry().pm.register(Exports(), name="exports-test")
    try:
        answers = plugins.collect("intranet_personal_data", user=make_user())
        assert {"votes": 3, "polls": ["Venue"]} in answers
        assert "votes" not in answers
    finally:
        plugins.registry().pm.unregister(name="exports-test")


@pytest.mark.parametrize("role", ["admin", "secretariat", "member", "guest"])
def test_signed_in_gives_a_client_signed_in_with_each_role(client, signed_in, role):
    user = signed_in(role)
    assert user.role == role
    assert client.get("/profile").status_code == 200


def test_demo_data_has_every_demo_account_and_the_plugins_data(demo_data):
    from intranet.platform.demo import DEMO_PEOPLE
    from intranet_meetings.models import Meeting

    assert set(demo_data) == {key for key, *_ in DEMO_PEOPLE}
    assert demo_data["admin"].role == "admin"
    assert db.session.scalar(select(func.count(Meeting.id))) > 0


def test_signing_in_again_switches_to_the_new_user(client, signed_in):
    signed_in("member")
    assert client.get("/admin/users").status_code == 403
    signed_in("admin")
    assert client.get("/admin/users").status_code == 200


def test_every_plugin_api_function_is_documented_with_its_signature():
    from intranet import plugin_api

    text = DOCS.read_text()
    reference = text[text.index("## The public API") : text.index("## Users")]
    documented = set(re.findall(r"`(\w+)\(", reference))
    functions = {
        name for name in plugin_api.__all__ if inspect.isfunction(getattr(plugin_api, name))
    }
    assert functions, "no functions found in intranet.plugin_api"
    assert functions - documented == set(), "plugin_api functions missing from docs/plugins.md"
