"""The admin page: one "Admin" link in the menu, every admin page listed in its group."""

from __future__ import annotations

from flask_login import login_user
from markupsafe import escape

from intranet.administration.landing import GROUPS
from intranet.platform.plugins import collect


def admin_items(app, user):
    with app.test_request_context():
        login_user(user)
        return collect("intranet_admin_nav_items", user=user)


def test_every_admin_page_of_the_core_and_the_plugins_has_a_group_and_a_description(app, admin):
    groups = {key for key, _, _ in GROUPS}
    items = admin_items(app, admin)
    assert {item.group for item in items} == groups
    assert [item.label for item in items if item.group not in groups] == []
    assert [item.label for item in items if not item.description] == []


def test_the_admin_page_lists_every_admin_link_under_people_content_and_system(app, client, admin):
    client.login(admin.email)
    page = client.get("/admin/").text
    sections = page.split('<section class="admin-group"')[1:]
    assert [section.split("</h2>")[0].rsplit(">", 1)[1] for section in sections] == [
        "People",
        "Content",
        "System",
    ]
    for item in admin_items(app, admin):
        owner = next(section for section in sections if f'href="{item.url}"' in section)
        assert f"admin-group-{item.group}" in owner and escape(item.description) in owner


def test_the_menu_shows_one_admin_link_to_staff_only(client, admin, secretariat, member):
    client.login(admin.email)
    nav = client.get("/").text.split('id="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/admin/" class="admin-link">Admin</a>' in nav
    assert "Audit log" not in nav and "Plugins" not in nav
    client.submit("/logout")
    client.login(secretariat.email)
    assert client.get("/admin/").status_code == 200
    assert "/admin/plugins" not in client.get("/admin/").text  # admins only
    client.submit("/logout")
    client.login(member.email)
    assert 'class="admin-link"' not in client.get("/").text
    assert client.get("/admin/").status_code == 403
