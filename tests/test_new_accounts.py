"""New accounts start right: organisation and time zone asked by every way of creating one."""

from __future__ import annotations

import re

from sqlalchemy import select

from intranet.extensions import db
from intranet.models import User
from tests.directory_helpers import organisation


def account(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_the_admin_form_asks_organisation_and_zone_from_lists(client, admin):
    ministry = organisation("Ministry of the Interior", "ministry", "LV")
    client.login(admin.email)
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert "The delegation&#39;s zone" in page and '"Europe/Riga">Riga (UTC+' in page
    assert f'value="{ministry.id}">Ministry of the Interior (LV)' in page
    form = {"name": "Liga Ozola", "email": "liga@example.lv", "role": "member"}
    response = client.submit(
        "/admin/users/new", {**form, "country_code": "LV", "organisation_id": str(ministry.id)}
    )
    assert response.status_code == 303
    liga = account("liga@example.lv")
    assert (liga.timezone, liga.organisation_id) == ("Europe/Riga", ministry.id)
    assert liga.welcome_pending
    response = client.submit(
        "/admin/users/new",
        {**form, "email": "ona@example.lt", "country_code": "LT", "timezone": "Europe/Oslo"},
    )
    assert account("ona@example.lt").timezone == "Europe/Oslo"
    response = client.submit(
        "/admin/users/new", {**form, "email": "x@example.org", "timezone": "Moon/Base"}
    )
    assert response.status_code == 422
    assert "Choose a time zone from the list" in response.get_data(as_text=True)


def test_create_user_on_the_command_line_takes_organisation_and_zone(app):
    ministry = organisation("Ministry of Justice", "ministry", "SE")
    runner = app.test_cli_runner()

    def create(*args: str):
        return runner.invoke(args=["intranet", "create-user", "--role", "member", *args])

    result = create(
        "--email", "a@example.se", "--name", "Anna", "--organisation", "ministry of justice"
    )
    assert result.exit_code == 0, result.output
    assert account("a@example.se").organisation_id == ministry.id
    result = create("--email", "b@example.ee", "--name", "Birgit", "--country", "EE")
    assert account("b@example.ee").timezone == "Europe/Tallinn"
    result = create("--email", "c@example.org", "--name", "C", "--zone", "Asia/Tokyo")
    assert account("c@example.org").timezone == "Asia/Tokyo"
    result = create("--email", "d@example.org", "--name", "D", "--zone", "Riga")
    assert result.exit_code != 0 and "“Riga” is not a time zone" in result.output
    result = create("--email", "e@example.org", "--name", "E", "--organisation", "Interpol")
    assert result.exit_code != 0 and "“Interpol” is not a recorded organisation" in result.output
    password = ("--password", "a long passphrase 7")
    admin = create("--email", "f@example.org", "--name", "F", "--role", "admin", *password)
    assert admin.exit_code == 0 and not account("f@example.org").welcome_pending


def test_the_csv_import_takes_organisation_and_zone_columns(client, admin):
    organisation("State Police", "authority", "LV")
    client.login(admin.email)
    text = (
        "email,name,role,country,organisation,zone\n"
        "janis@example.lv,Janis Berzins,member,Latvia,State Police,\n"
        "ole@example.no,Ole Hansen,member,NO,,Europe/Berlin\n"
        "bad@example.org,Bad Zone,member,,,Nowhere\n"
    )
    preview = client.submit("/admin/users/import", {"text": text}).get_data(as_text=True)
    assert "“Nowhere” is not a time zone" in preview and "Riga (UTC+" in preview
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', preview).group(1)
    assert client.submit("/admin/users/import/confirm", {"payload": payload}).status_code == 303
    janis = account("janis@example.lv")
    assert janis.organisation.name == "State Police" and janis.timezone == "Europe/Riga"
    assert account("ole@example.no").timezone == "Europe/Berlin"
