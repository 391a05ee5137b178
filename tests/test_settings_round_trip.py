"""Every setting of every plugin survives the admin's settings page: rendered, submitted as it
stands, saved with no error and no change; the widgets are typed (no Python lists, no keys)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import g
from werkzeug.datastructures import MultiDict

from intranet.administration.settings import schemas, setting
from tests.security.crawler import forms_in, parse

PAGE = "/admin/settings/"


def current_values(app: Any) -> dict[tuple[str, str], Any]:
    with app.test_request_context():
        g.pop("intranet_settings", None)  # the test's app context outlives a request's
        return {
            (plugin, item.key): setting(plugin, item.key)
            for plugin, items in schemas().items()
            for item in items
        }


def settings_forms(app: Any, client: Any) -> list[Any]:
    page = client.get(PAGE).get_data(as_text=True)
    return [form for form in forms_in(app, PAGE, parse(page)) if form.endpoint == "settings.update"]


def test_every_setting_of_every_plugin_saves_unchanged_as_rendered(app, client, admin):
    client.login(admin.email)
    before = current_values(app)
    forms = settings_forms(app, client)
    plugins = {plugin for plugin, _key in before}
    assert {form.action.rstrip("/").rpartition("/")[2] for form in forms} == plugins
    for form in forms:
        for fragment in (False, True):
            headers = {"HX-Request": "true"} if fragment else {}
            data = MultiDict(form.defaults())
            response = client.post(form.action, data=data, headers=headers)
            text = response.get_data(as_text=True)
            assert response.status_code == (200 if fragment else 303), (form.action, text)
            assert "Nothing changed." in text if fragment else True
            assert 'class="error"' not in text, (form.action, text)
        assert current_values(app) == before, form.action


def rotation(app: Any) -> list[str]:
    return current_values(app)[("governance", "rotation_order")]


@pytest.mark.parametrize("page", [PAGE, "/governance/settings"])
def test_the_rotation_is_a_list_of_names_moved_with_buttons_then_saved(app, client, admin, page):
    client.login(admin.email)
    text = client.get(page).get_data(as_text=True)
    assert "[&#39;" not in text and "['SE'" not in text  # no Python list anywhere
    assert '<span class="order-label">Sweden</span>' in text
    assert "Move Latvia up" in text
    form = next(f for f in forms_in(app, page, parse(text)) if "governance" in f.action)
    pairs = [(name, value) for name, value in form.defaults() if name != "save"]
    move = [*pairs, ("governance-rotation_order-move", "up:1")]  # Latvia before Sweden
    moved = client.post(form.action, data=MultiDict(move))
    assert moved.status_code == 200
    text = moved.get_data(as_text=True)
    assert "Not saved yet" in text
    assert text.index(">Latvia<") < text.index(">Sweden<")
    assert "autofocus" in text  # the moved button keeps the focus
    assert rotation(app)[:2] == ["SE", "LV"]  # moving alone saves nothing

    again = next(f for f in forms_in(app, page, parse(text)) if "governance" in f.action)
    assert client.post(again.action, data=MultiDict(again.defaults())).status_code == 303
    assert rotation(app)[:2] == ["LV", "SE"]


def test_rights_of_the_chair_are_labelled_in_words_and_numbers_show_their_unit(client, admin):
    client.login(admin.email)
    text = client.get(PAGE).get_data(as_text=True)
    assert "Write and approve the minutes of meetings" in text
    assert ">meetings.minutes<" not in text and "meetings.manage," not in text
    assert '<span class="unit">days</span>' in text


def test_an_unknown_country_in_the_rotation_is_refused_next_to_the_field(app, client, admin):
    client.login(admin.email)
    form = next(f for f in settings_forms(app, client) if f.action.endswith("/governance"))
    data = MultiDict(form.defaults())
    data.add("governance-rotation_order", "UA")
    response = client.post(form.action, data=data)
    assert response.status_code == 422
    assert 'id="governance-rotation_order-error"' in response.get_data(as_text=True)
    assert "UA" not in rotation(app)
