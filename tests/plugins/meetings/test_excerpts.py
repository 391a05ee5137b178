"""Excerpts of minutes and agenda items read as plain words, whether or not the text needed
Markdown to get there; prose without any markup is not rendered at all (twenty search results
took 6 ms in Markdown for nothing)."""

from __future__ import annotations

import html

import pytest

from intranet.plugin_api import render_markdown
from intranet_meetings import excerpts

TEXTS = [  # prose, then texts that each need Markdown for one reason only
    "Delegations discussed labour exploitation in the construction sector.",
    "Follow-up: the chair - with the secretariat - reports in May; see issue #5.",
    "call f\\(x\\) now",
    "run `make test` now",
    "a *starred* word and a **strong** one",
    "an _emphasised_ word",
    "See [the report](https://example.org/report) first.",
    "A paragraph\n{.note}",
    "See the <b>annex</b> 2.",
    "Budget &amp; staffing",
    "## Heading\n\nText under it.",
    "Setext heading\n==============\n\nMore.",
    "Another heading\n---------------\n\nMore.",
    "- first point\n- second point\n+ third\n* fourth",
    "1. one\n2. two",
    "> quoted from the report",
    "Term\n: its definition",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "~~~\nprint(1)\n~~~",
    "Line one  \nline two\n\n\nline three",
]


def rendered(markdown: str) -> str:
    """What every excerpt went through before: render, drop the tags, unescape."""
    text = html.unescape(excerpts.TAG.sub(" ", str(render_markdown(markdown))))
    return excerpts.SPACES.sub(" ", excerpts.STRAY_MARKERS.sub(" ", text)).strip()


@pytest.mark.parametrize("text", TEXTS)
def test_an_excerpt_reads_as_the_rendered_text(text):
    assert excerpts.plain_text(text) == rendered(text)


def test_prose_without_markup_is_not_rendered(monkeypatch):
    calls = []
    monkeypatch.setattr(excerpts, "render_markdown", lambda text: calls.append(text) or text)
    assert excerpts.plain_text(TEXTS[0]) == TEXTS[0]
    assert excerpts.plain_text(TEXTS[1]) == (
        "Follow-up: the chair with the secretariat reports in May; see issue #5."
    )
    assert calls == []
    excerpts.plain_text(TEXTS[2])
    assert calls == [TEXTS[2]]
