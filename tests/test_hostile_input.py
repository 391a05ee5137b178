"""Hostile or careless input in the core's pages: huge numbers, line breaks, RFC escaping."""

from __future__ import annotations

import tempfile

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from intranet import create_app
from intranet.extensions import db
from intranet.models import User
from intranet.platform import plugins

HUGE = str(2**64 + 1)
NUMBERS = ("page", "year", "month", "id", "user_id", "member_id", "notice_id", "limit", "offset")
HOSTILE_QUERY = {name: HUGE for name in NUMBERS} | {"from": "9999-12-31", "to": "9999-12-31"}


def core_pages() -> list[str]:
    """Every GET route of the core (not of a plugin), a huge number in each path integer."""
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {"INSTANCE_PATH": instance, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
        )
        with app.app_context():
            owner = plugins.registry().blueprint_owner
        pages = []
        for rule in app.url_map.iter_rules():
            blueprint = rule.endpoint.rpartition(".")[0]
            if "GET" not in rule.methods or rule.endpoint.endswith("static"):
                continue
            if owner.get(blueprint, "core") not in ("core", "privacy"):
                continue
            if any(not isinstance(c, IntegerConverter) for c in rule._converters.values()):
                continue
            path = rule.rule
            for name in rule._converters:
                path = path.replace(f"<int:{name}>", HUGE)
            pages.append(path)
    return sorted(pages)


CORE_PAGES = core_pages()


def test_the_core_pages_are_found_in_the_url_map():
    assert {"/directory", "/admin/users", "/admin/audit", f"/members/{HUGE}"} <= set(CORE_PAGES)


@pytest.mark.parametrize("path", CORE_PAGES)
def test_a_core_page_answers_huge_numbers_without_an_error(client, admin, path):
    client.login(admin.email)
    for query in ({}, HOSTILE_QUERY):
        assert client.get(path, query_string=query).status_code < 500, query


def test_a_huge_organisation_id_on_the_profile_is_refused_next_to_the_field(client, member):
    from tests.test_profile import PROFILE

    client.login(member.email)
    response = client.submit("/profile", {**PROFILE, "organisation_id": HUGE})
    assert response.status_code == 422
    assert 'id="organisation_id-error"' in response.get_data(as_text=True)


def parse_vcard(card: str) -> list[tuple[str, str]]:
    """(property with parameters, unescaped value) per content line, as RFC 6350 reads them."""
    assert "\r" not in card.replace("\r\n", "")
    unescape = {"\\": "\\", ",": ",", ";": ";", "n": "\n", "N": "\n"}
    lines = []
    for line in card.replace("\r\n ", "").split("\r\n")[:-1]:
        name, _, raw = line.partition(":")
        value, chars = "", iter(raw)
        for char in chars:
            value += unescape[next(chars)] if char == "\\" else char
        lines.append((name, value))
    return lines


def test_vcard_values_with_line_breaks_and_separators_survive_a_parser(client, member, make_user):
    position = "Head\rof unit\r\nEND:VCARD\nBEGIN:VCARD; a, b \\ c"
    other = make_user(name="Eve\rMallory", position=position)
    client.login(member.email)
    card = client.get(f"/members/{other.id}.vcf").get_data(as_text=True)
    properties = parse_vcard(card)
    assert [name for name, _ in properties].count("BEGIN") == 1
    assert ("TITLE", position.replace("\r\n", "\n").replace("\r", "\n")) in properties
    assert ("FN", "Eve\nMallory") in properties


def test_a_notification_about_a_name_with_line_breaks_is_mailed_on_one_line(app, make_user, outbox):
    from intranet.platform.notifications import notify

    eve = make_user(name="Eve\r\nBcc: everyone@example.org")
    result = notify([eve], "core.test", f"{eve.name} shared a document")
    assert result.mailed == [eve.email]
    (message,) = outbox()
    assert message["Subject"].endswith("Eve Bcc: everyone@example.org shared a document")
    assert message["Bcc"] is None


def test_a_mail_that_cannot_be_built_never_breaks_the_saved_action(
    client, make_user, admin, monkeypatch, caplog, deliver_mail
):
    from intranet.models import DelegationRequest
    from intranet.platform import mail
    from intranet.platform.notifications import Notification

    member = make_user("member", name="Eve\r\nMallory", country_code="SE")
    client.login(member.email)
    client.submit("/profile/delegation", {"country_code": "FI"})
    client.submit("/logout")
    request_ = db.session.scalar(select(DelegationRequest))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the mail library gave up")

    monkeypatch.setattr(mail, "build_message", broken)
    client.login(admin.email)
    response = client.submit(f"/admin/users/delegation-requests/{request_.id}/confirm")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, member.id).country_code == "FI"
    assert db.session.scalar(select(Notification).where(Notification.user_id == member.id))
    assert deliver_mail().failed >= 1  # the sender builds it, logs it and lists it as failed
    assert "could not be built" in caplog.text
