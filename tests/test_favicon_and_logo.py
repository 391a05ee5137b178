"""The intranet has its own icon (no 404 for /favicon.ico on every page) and an admin can set
the site logo shown in the header."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict


def test_the_favicon_is_served_and_linked(client, member):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.data
    client.login(member.email)
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in page


def test_an_admin_sets_the_site_logo_and_a_wrong_address_is_refused(client, admin):
    client.login(admin.email)
    form = {"core-site_logo": "https://elsewhere.example/logo.png"}
    refused = client.submit("/admin/settings/core", form)
    assert refused.status_code == 422
    assert 'id="core-site_logo-error"' in refused.get_data(as_text=True)
    assert 'value="https://elsewhere.example/logo.png"' in refused.get_data(as_text=True)
    saved = client.submit(
        "/admin/settings/core", MultiDict({"core-site_logo": "/static/cbss-logo.svg"})
    )
    assert saved.status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert '<img class="brand-logo" src="/static/cbss-logo.svg"' in page
