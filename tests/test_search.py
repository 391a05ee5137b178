"""The global search across the directory and every enabled plugin."""

from __future__ import annotations

from intranet.directory.listing import search_terms
from intranet.platform.search import highlight
from tests.directory_helpers import organisation

HX = {"HX-Request": "true"}


def test_search_finds_members_grouped_by_kind_with_highlighted_terms(client, member, make_user):
    police = organisation("National Police Board", "authority", "FI")
    make_user(name="Aino Virtanen", organisation_id=police.id, position="Detective inspector")
    client.login(member.email)
    page = client.get("/search?q=detect").get_data(as_text=True)
    assert "<h2>Members" in page
    assert "Aino Virtanen" in page
    assert "<mark>Detective</mark> inspector" in page


def test_search_results_of_plugins_are_escaped(client, member):
    from intranet.extensions import db
    from intranet_example import ExampleNote

    db.session.add(ExampleNote(text="<b>trafficking</b> note", author_id=member.id))
    db.session.commit()
    client.login(member.email)
    page = client.get("/search?q=trafficking").get_data(as_text=True)
    assert "&lt;b&gt;<mark>trafficking</mark>&lt;/b&gt; note" in page


def test_search_answers_a_fragment_to_htmx(client, member, make_user):
    make_user(name="Aino Virtanen")
    client.login(member.email)
    body = client.get("/search?q=aino", headers=HX).get_data(as_text=True)
    assert "<html" not in body and "<mark>Aino</mark> Virtanen" in body


def test_guests_find_no_members(client, make_user):
    make_user(name="Aino Virtanen")
    guest = make_user("guest")
    client.login(guest.email)
    page = client.get("/search?q=aino").get_data(as_text=True)
    assert "Aino Virtanen" not in page


def test_search_of_punctuation_only_asks_for_words(client, member):
    client.login(member.email)
    page = client.get("/search?q=%22%28%2A%29%22").get_data(as_text=True)
    assert "Type letters or digits to search." in page


def test_search_terms_keep_only_letters_and_digits():
    assert search_terms('"Ström" NEAR(a*) OR -x') == ["ström", "near", "a", "or", "x"]


def test_highlight_marks_word_starts_and_escapes_markup():
    assert str(highlight("Łódź <police>", ["lodz", "pol"])) == (
        "<mark>Łódź</mark> &lt;<mark>police</mark>&gt;"
    )
    assert str(highlight("A & B: investigations <i>", ["inv"])) == (
        "A &amp; B: <mark>investigations</mark> &lt;i&gt;"
    )
    assert (
        str(highlight("<b>nothing</b> & more", ["inv"])) == "&lt;b&gt;nothing&lt;/b&gt; &amp; more"
    )
    assert str(highlight("", ["inv"])) == ""


def test_fts5_match_quotes_every_word_and_marks_prefixes():
    from intranet.platform.fulltext import fts5_match

    assert fts5_match('labour "NEAR(" (exploit*') == '"labour" "NEAR" "exploit"'
    assert fts5_match("labour expl", prefix="last") == '"labour" "expl"*'
    assert fts5_match("labour expl", prefix="all") == '"labour"* "expl"*'
    assert fts5_match(' ()*" ', prefix="last") == ""
