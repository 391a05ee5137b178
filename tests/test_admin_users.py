"""User administration: who may do what, account changes, activation mails, CSV import."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from intranet.extensions import db
from intranet.models import AuditEvent, AuthToken, User
from tests.conftest import mail_text
from tests.query_plans import recorded, sqlite_reads_of, statements_of

IMPORT_CSV = (
    "email,name,role,country\n"
    "kadri.tamm@example.ee,Kadri Tamm,member,EE\n"
    "not-an-email,Broken Email,member,FI\n"
    "jonas@example.lv,Jonas Berzins,wizard,LV\n"
    "aino@example.fi,Aino Virtanen,member,Finnland\n"
    "KADRI.TAMM@example.ee,Kadri Again,member,EE\n"
    "erik@example.se,Erik Johansson,secretariat,se\n"
)


@pytest.fixture
def secretariat(make_user):
    return make_user("secretariat", email="sofia@example.org", name="Sofia Secretariat")


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def audit_actions() -> list[str]:
    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_member_gets_403_on_admin_pages(client, member):
    client.login(member.email)
    for url in ["/admin/users", "/admin/users/new", "/admin/users/import", "/admin/audit"]:
        assert client.get(url).status_code == 403, url
    assert client.submit(f"/admin/users/{member.id}/role", {"role": "admin"}).status_code == 403


def test_secretariat_finds_users_by_name_role_and_status(client, secretariat, make_user):
    make_user("member", name="Kadri Tamm", email="kadri@example.ee")
    make_user("member", name="Aino Virtanen", email="aino@example.fi", is_active_account=False)
    client.login(secretariat.email)
    page = client.get("/admin/users?q=tamm").get_data(as_text=True)
    assert "Kadri Tamm" in page and "Aino Virtanen" not in page
    page = client.get("/admin/users?status=inactive").get_data(as_text=True)
    assert "Aino Virtanen" in page and "Kadri Tamm" not in page
    page = client.get("/admin/users?role=secretariat").get_data(as_text=True)
    assert "Sofia Secretariat" in page and "Kadri Tamm" not in page


def test_user_list_is_paginated_and_answers_htmx_with_the_rows(client, admin, make_user):
    for number in range(30):
        make_user("member", name=f"Expert {number:02d}")
    client.login(admin.email)
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Expert 00" in first
    fragment = client.get("/admin/users?page=2", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'id="user-results"' in body


def test_creating_a_user_mails_a_single_use_activation_link(client, secretariat, outbox):
    client.login(secretariat.email)
    response = client.submit(
        "/admin/users/new",
        {"name": "Kadri Tamm", "email": "Kadri@Example.ee", "role": "member", "country_code": "ee"},
    )
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "kadri@example.ee"))
    assert user.country_code == "EE" and user.password_hash is None
    message = outbox()[-1]
    assert message["To"] == "kadri@example.ee"
    assert re.search(r"/password/reset/\S+", mail_text(message))
    assert "user.created" in audit_actions()


def test_create_form_keeps_input_and_shows_errors_next_to_fields(client, secretariat, member):
    client.login(secretariat.email)
    response = client.submit(
        "/admin/users/new", {"name": "Maria Again", "email": member.email, "role": "member"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "exists already" in page and 'value="Maria Again"' in page


def test_secretariat_cannot_create_or_promote_admins(client, secretariat, member):
    client.login(secretariat.email)
    response = client.submit(
        "/admin/users/new", {"name": "Evil Admin", "email": "evil@example.org", "role": "admin"}
    )
    assert response.status_code == 422
    assert db.session.scalar(select(User).where(User.email == "evil@example.org")) is None
    response = client.submit(f"/admin/users/{member.id}/role", {"role": "admin"})
    assert response.status_code == 403
    db.session.refresh(member)
    assert member.role == "member"


def test_admin_promotes_and_the_change_ends_the_users_sessions(app, client, admin, member):
    other = app.test_client()
    other.login(member.email)
    assert other.get("/").status_code == 200
    client.login(admin.email)
    response = client.submit(f"/admin/users/{member.id}/role", {"role": "secretariat"})
    assert response.status_code == 303
    db.session.refresh(member)
    assert member.role == "secretariat"
    assert other.get("/").status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role_changed"))
    assert event.details == {"old": "member", "new": "secretariat"}
    assert event.actor_id == admin.id


def test_last_active_admin_can_be_neither_demoted_nor_deactivated(client, admin, make_user):
    client.login(admin.email)
    response = client.submit(f"/admin/users/{admin.id}/role", {"role": "member"})
    assert response.status_code == 403
    assert "last active administrator" in response.get_data(as_text=True)
    inactive_admin = make_user("admin", is_active_account=False)
    assert client.submit(f"/admin/users/{admin.id}/role", {"role": "member"}).status_code == 403
    second = make_user("admin")
    client.submit(f"/admin/users/{admin.id}/role", {"role": "member"})
    db.session.refresh(admin)
    assert admin.role == "member"
    client.login(second.email)
    response = client.submit(f"/admin/users/{second.id}/deactivate", {"reason": "test"})
    assert response.status_code == 403
    db.session.refresh(second)
    assert second.is_active and inactive_admin.role == "admin"


def test_deactivation_needs_a_reason_and_ends_an_open_session(app, client, secretariat, member):
    events = []

    class Listener:
        @staticmethod
        def intranet_user_deactivated(user):
            events.append(user.email)

    from intranet.plugin_api import hookimpl

    Listener.intranet_user_deactivated = hookimpl(Listener.intranet_user_deactivated)
    app.extensions["intranet_plugins"].pm.register(Listener, name="listener")
    other = app.test_client()
    other.login(member.email)
    client.login(secretariat.email)
    missing = client.submit(f"/admin/users/{member.id}/deactivate", {"reason": ""})
    assert missing.status_code == 422
    assert "Give a reason" in missing.get_data(as_text=True)
    assert other.get("/").status_code == 200
    response = client.submit(f"/admin/users/{member.id}/deactivate", {"reason": "Left ministry"})
    assert response.status_code == 303
    db.session.refresh(member)
    assert not member.is_active and member.deactivated_at is not None
    assert other.get("/").status_code == 302
    assert events == [member.email]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.deactivated"))
    assert event.details == {"reason": "Left ministry"}


def test_reactivation_with_a_reason_lets_the_user_sign_in_again(client, secretariat, member):
    member.is_active_account = False
    db.session.commit()
    client.login(secretariat.email)
    response = client.submit(f"/admin/users/{member.id}/reactivate", {"reason": "Back"})
    assert response.status_code == 303
    client.submit("/logout")
    assert client.login(member.email).status_code == 302


def test_inline_action_with_htmx_returns_the_refreshed_panel(client, secretariat, member):
    client.login(secretariat.email)
    response = client.submit(
        f"/admin/users/{member.id}/deactivate", {"reason": "Moved"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="user-panel">')
    assert "is deactivated" in body and "Reactivate" in body


def test_resend_activation_revokes_the_old_link(client, secretariat, outbox):
    client.login(secretariat.email)
    client.submit(
        "/admin/users/new", {"name": "Ilze Ozola", "email": "ilze@example.lv", "role": "member"}
    )
    user = db.session.scalar(select(User).where(User.email == "ilze@example.lv"))
    first = re.search(r"/password/reset/\S+", mail_text(outbox()[-1])).group(0)
    response = client.submit(f"/admin/users/{user.id}/resend-activation")
    assert response.status_code == 303
    second = re.search(r"/password/reset/\S+", mail_text(outbox()[-1])).group(0)
    assert first != second
    client.submit("/logout")
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 200
    assert (
        db.session.scalar(
            select(func.count()).where(AuthToken.user_id == user.id, AuthToken.used_at.is_(None))
        )
        == 1
    )
    assert "user.activation_resent" in audit_actions()


def test_csv_import_previews_per_row_errors_and_writes_nothing(client, admin, outbox):
    client.login(admin.email)
    before = user_count()
    response = client.submit("/admin/users/import", {"text": IMPORT_CSV})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Invalid email address" in page
    assert "Unknown role &#39;wizard&#39;" in page
    assert "“Finnland” is not a country of the task force" in page
    assert "appears already on line 2" in page
    assert "2 of 6 rows can be imported" in page
    assert user_count() == before
    assert outbox() == []


def test_confirmed_csv_import_creates_the_valid_rows_and_mails_them(client, admin, outbox):
    client.login(admin.email)
    preview = client.submit("/admin/users/import", {"text": IMPORT_CSV}).get_data(as_text=True)
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', preview).group(1)
    response = client.submit("/admin/users/import/confirm", {"payload": payload})
    assert response.status_code == 303
    emails = set(db.session.scalars(select(User.email).where(User.role != "admin")))
    assert emails == {"kadri.tamm@example.ee", "erik@example.se"}
    assert {message["To"] for message in outbox()} == emails
    erik = db.session.scalar(select(User).where(User.email == "erik@example.se"))
    assert erik.role == "secretariat" and erik.country_code == "SE"


def test_csv_import_refuses_an_altered_payload(client, admin):
    client.login(admin.email)
    preview = client.submit("/admin/users/import", {"text": IMPORT_CSV}).get_data(as_text=True)
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', preview).group(1)
    response = client.submit("/admin/users/import/confirm", {"payload": payload[:-2] + "xx"})
    assert response.status_code == 400
    assert user_count() == 1


def test_csv_import_by_secretariat_cannot_create_admins(client, secretariat):
    client.login(secretariat.email)
    text = "email,name,role,country\nboss@example.org,Big Boss,admin,SE\n"
    page = client.submit("/admin/users/import", {"text": text}).get_data(as_text=True)
    assert "Only administrators may create administrators" in page
    assert 'name="payload"' not in page


def test_csv_import_upload_without_header_is_refused_with_the_text_kept(client, admin):
    from io import BytesIO

    client.login(admin.email)
    response = client.submit(
        "/admin/users/import",
        {"file": (BytesIO(b"kadri@example.ee,Kadri,member,EE\n"), "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "must name the columns" in page and "kadri@example.ee,Kadri" in page


def test_refusal_by_htmx_comes_back_as_the_panel_with_the_reason(client, admin):
    client.login(admin.email)
    response = client.submit(
        f"/admin/users/{admin.id}/deactivate", {"reason": "x"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="user-panel"' in body and "cannot deactivate your own account" in body


def test_secretariat_sees_no_actions_on_an_admins_page(client, secretariat, admin):
    client.login(secretariat.email)
    page = client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "Only administrators may change" in page and "Change role" not in page
    response = client.submit(f"/admin/users/{admin.id}/deactivate", {"reason": "coup"})
    assert response.status_code == 403
    db.session.refresh(admin)
    assert admin.is_active


@pytest.mark.fresh_database
def test_the_account_search_reads_the_trigram_index(client, secretariat, make_user):
    """Any part of a name or address, through each engine's trigram index (core_0020 on
    PostgreSQL, core_0024 on SQLite), not by reading every account (90 ms twice per page at
    150,000 accounts on PostgreSQL, 22 ms at 15,000 on SQLite)."""
    make_user("member", name="Kadri Tamm", email="kadri@example.ee")
    client.login(secretariat.email)
    if db.engine.dialect.name == "sqlite":
        url = "/admin/users?q=tamm"
        for reads in sqlite_reads_of(client, url, lambda s: "account_fts" in s, "account_fts"):
            assert any("VIRTUAL TABLE" in line for line in reads), reads
        return
    sent = statements_of(client, "/admin/users?q=tamm", lambda s: "ILIKE" in s.upper())
    assert sent, "the search sent no ILIKE"
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a few rows: force the choice
    for statement, parameters in sent:
        plan = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars().all()
        assert any("ix_user_account_fulltext_trigram" in line for line in plan), plan


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("TAMM", True),  # any case
        ("dri ta", True),  # across words
        ("i@example.E", True),  # any part of the address
        ("Ta", True),  # too short for trigrams: the accounts are read
        ("tammi", False),
        ('"tamm" OR kadri', False),  # never query syntax
        ("ta%m", False),  # what was typed, never a pattern
        ("%", False),
        ("d_i", False),
    ],
)
def test_the_account_search_finds_any_part_of_a_name_or_address(
    client, secretariat, make_user, query, found
):
    make_user("member", name="Kadri Tamm", email="kadri@example.ee")
    client.login(secretariat.email)
    response = client.get("/admin/users", query_string={"q": query})
    assert response.status_code == 200
    assert ("Kadri Tamm" in response.get_data(as_text=True)) is found


def test_the_accounts_of_a_role_are_found_through_the_role_index(client, secretariat):
    """The few staff among 150,000 accounts: read from ix_user_account_role_name in name order
    (core_0021), not by reading every account (80 ms for ?role=admin at N=10)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's plan")
    client.login(secretariat.email)
    plans = sqlite_reads_of(
        client,
        "/admin/users?role=admin",
        lambda statement: "ORDER BY user_account.name" in statement,
        "user_account",
    )
    for reads in plans:
        assert any("ix_user_account_role_name" in line for line in reads), reads


def test_the_account_count_follows_every_change_it_counts_and_is_kept_otherwise(
    app, client, secretariat, make_user
):
    """Counted once per change to names, addresses, roles and status (59 ms at N=10)."""

    def total(query: str) -> int:
        page = client.get(f"/admin/users{query}", headers={"HX-Request": "true"}).text
        return int(re.search(r'<p role="status">(\d+) user', page).group(1))

    kadri = make_user("member", name="Kadri Tamm", email="kadri@example.ee")
    client.login(secretariat.email)
    assert total("?status=active") == 2
    make_user("member", name="Aino Virtanen")
    # Each counted column: the list viewed right before the change and right after it.
    for field, value, query, before, after in [
        ("is_active_account", False, "?status=active", 3, 2),
        ("name", "Kadri Kask", "?q=tamm", 1, 0),
        ("email", "kadri@example.fi", "?q=example.ee", 1, 0),
        ("role", "admin", "?role=admin", 0, 1),
    ]:
        assert total(query) == before, field
        setattr(kadri, field, value)
        db.session.commit()
        assert total(query) == after, field

    assert total("?status=active") == 2
    app.test_client().login(secretariat.email)  # a sign-in changes nothing counted
    with recorded(lambda statement: "FROM (SELECT user_account.id" in statement) as counted:
        assert total("?status=active") == 2
    assert counted == []
