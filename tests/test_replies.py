"""Reply addresses: they name a user and a target, expire, and cannot be forged or altered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from intranet.extensions import db
from intranet.platform import replies
from intranet.platform.replies import Refusal


@pytest.fixture
def domain(app):
    app.config["REPLY_DOMAIN"] = "reply.example.org"
    return "reply.example.org"


def test_address_round_trips_to_user_and_target(domain, make_user):
    user = make_user()
    address = replies.reply_address(user.id, "subgroups.thread:12")
    assert address.startswith("reply+") and address.endswith("@reply.example.org")
    local = address.partition("@")[0]
    assert len(local) <= 64 and local == local.lower()
    assert set(local) <= set("abcdefghijklmnopqrstuvwxyz0123456789_.+-")
    token = replies.token_from_address(address.upper())  # servers may change case
    assert replies.verify_token(token) == (user, "subgroups.thread:12")


def test_no_address_without_a_reply_domain(app, make_user):
    app.config["REPLY_DOMAIN"] = ""
    assert replies.reply_address(make_user().id, "subgroups.thread:1") is None
    assert replies.reply_headers(1, "subgroups.thread:1") == {}


def test_other_domain_or_prefix_is_not_a_reply_address(domain):
    assert replies.token_from_address("reply+abc@elsewhere.org") is None
    assert replies.token_from_address("someone@reply.example.org") is None


def test_altered_token_is_forged(domain, make_user):
    user, other = make_user(), make_user()
    token = replies.make_token(user.id, "subgroups.thread:12")
    payload, _, mac = token.rpartition(".")
    # another user's id, another thread, a later expiry, a changed mac: all forged
    theirs = replies.make_token(other.id, "subgroups.thread:12").split(".")[0]
    assert replies.verify_token(".".join([theirs, *token.split(".")[1:]])) is Refusal.FORGED
    target = replies.make_token(user.id, "subgroups.thread:13").split(".")[2]
    parts = token.split(".")
    assert replies.verify_token(".".join([*parts[:2], target, parts[3]])) is Refusal.FORGED
    assert replies.verify_token(f"{payload}.{'a' * len(mac)}") is Refusal.FORGED
    assert replies.verify_token("nonsense") is Refusal.FORGED
    assert replies.verify_token("") is Refusal.FORGED


def test_token_under_another_secret_is_forged(app, domain, make_user):
    user = make_user()
    token = replies.make_token(user.id, "subgroups.thread:12")
    app.config["SECRET_KEY"] = "another installation"
    assert replies.verify_token(token) is Refusal.FORGED


def test_token_expires_after_sixty_days(domain, make_user):
    user = make_user()
    issued = datetime(2026, 1, 10, 12, tzinfo=UTC)
    token = replies.make_token(user.id, "subgroups.thread:12", now=issued)
    assert replies.verify_token(token, now=issued + timedelta(days=59)) == (
        user,
        "subgroups.thread:12",
    )
    assert replies.verify_token(token, now=issued + timedelta(days=61)) is Refusal.EXPIRED


def test_deactivated_user_cannot_reply(domain, make_user):
    user = make_user()
    token = replies.make_token(user.id, "subgroups.thread:12")
    user.is_active_account = False
    db.session.commit()
    assert replies.verify_token(token) is Refusal.UNKNOWN_USER


def test_thread_headers_are_stable_per_target(domain, make_user):
    user = make_user()
    first = replies.reply_headers(user.id, "subgroups.thread:12")
    second = replies.reply_headers(user.id, "subgroups.thread:12")
    assert first["In-Reply-To"] == first["References"] == "<subgroups-thread-12@reply.example.org>"
    assert first["In-Reply-To"] == second["In-Reply-To"]
    assert replies.verify_token(replies.token_from_address(first["Reply-To"])) == (
        user,
        "subgroups.thread:12",
    )


def test_target_must_be_kind_and_id(domain):
    with pytest.raises(ValueError):
        replies.make_token(1, "subgroups.thread:abc")
    with pytest.raises(ValueError):
        replies.make_token(1, "Sub-groups:1")


def test_every_plugin_refuses_an_empty_or_overlong_reply_in_the_same_words():
    from intranet.plugin_api import refuse_reply_text

    assert "empty" in refuse_reply_text("", 10).refusal
    assert refuse_reply_text("x" * 10, 10) is None  # the limit itself is allowed
    assert "longer than 10 characters" in refuse_reply_text("x" * 11, 10).refusal
