"""The lesson list's facet links, built without url_for, are the addresses url_for writes."""

from __future__ import annotations

import pytest
from flask import url_for
from werkzeug.datastructures import MultiDict

from intranet_lessons.search import FACETS, Selection

ARGS = [
    {},
    {"country": ["LT"]},
    {"q": "labour / forced, 100% sure? a&b=c #1 'x' (y) ~z", "country": ["LT", "SE"]},
    {"q": "Łódź straße", "tag": ["labour inspection", "a+b"], "year": ["2025"], "more": "tag"},
    {"area": ["prosecution"], "level": ["national"], "form": ["organs"], "page": "3"},
]
VALUES = ["LT", "labour inspection", "a+b", "2024", "ü/é?&=#", "prosecution"]


@pytest.mark.parametrize("args", ARGS)
def test_every_facet_link_is_the_address_url_for_writes(app, args):
    with app.test_request_context("/lessons/"):
        pairs = [
            (key, v) for key, vs in args.items() for v in (vs if isinstance(vs, list) else [vs])
        ]
        selection = Selection.from_args(MultiDict(pairs))
        base = url_for("lessons.index")
        for facet in FACETS:
            for value in VALUES:
                toggled = selection.toggled(facet, value)
                assert selection.url(base, toggled) == url_for("lessons.index", **toggled)


def test_a_selection_with_nothing_chosen_links_to_the_bare_list(app):
    with app.test_request_context("/lessons/"):
        base = url_for("lessons.index")
        assert Selection.url(base, {}) == base == "/lessons/"


def test_the_list_page_shows_the_links_that_toggle_a_value(client, member, make_lesson):
    make_lesson(member, "Shelter practice", countries=["LT"])
    client.login(member.email)
    page = client.get("/lessons/?q=shelter&country=LT").get_data(as_text=True)
    assert 'href="/lessons/?q=shelter"' in page  # Lithuania chosen: its link removes it
    assert 'href="/lessons/?q=shelter&amp;country=LT&amp;form=labour"' in page  # adds one
