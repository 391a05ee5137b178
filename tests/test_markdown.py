"""Markdown is rendered by one converter per thread, reset between texts: building one costs
about 5 ms, and a page of twenty excerpts paid it twenty times."""

from __future__ import annotations

import threading

import markdown
import pytest

from intranet.platform import markdown as rendering
from intranet.platform.markdown import render_markdown


@pytest.fixture(autouse=True)
def nothing_kept():
    """Each test renders its texts afresh, whatever an earlier test rendered."""
    rendering._kept.cache_clear()


def test_texts_share_the_threads_converter(monkeypatch):
    built = []
    original = markdown.Markdown

    def counting(*args, **kwargs):
        built.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(rendering, "_local", threading.local())
    monkeypatch.setattr(rendering.md, "Markdown", counting)
    for number in range(5):
        assert f"<strong>{number}</strong>" in render_markdown(f"**{number}**")
    assert len(built) == 1


def test_what_one_text_defines_does_not_reach_the_next():
    first = render_markdown(
        "The THB Task Force[^1].\n\n*[THB]: trafficking in human beings\n\n[^1]: Note"
    )
    assert '<abbr title="trafficking in human beings">THB</abbr>' in first
    second = render_markdown("THB again[^1].")
    assert "abbr" not in second
    assert "Note" not in second


def test_each_thread_renders_with_its_own_converter():
    results: dict[int, str] = {}

    def render(number: int) -> None:
        for _ in range(50):
            results[number] = render_markdown(f"*thread {number}*\n\n- item {number}")

    threads = [threading.Thread(target=render, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for number, html in results.items():
        assert f"<em>thread {number}</em>" in html
        assert f"<li>item {number}</li>" in html


def test_a_worker_renders_a_text_once_until_it_changes(monkeypatch):
    """An agenda, a thread or a lesson is read many times between two edits."""
    converted = []
    original = rendering.converter

    def counting():
        converted.append(1)
        return original()

    monkeypatch.setattr(rendering, "converter", counting)
    text = "A *kept* text\n\n<script>alert(1)</script>"
    first = render_markdown(text)
    assert render_markdown(text) == first == "<p>A <em>kept</em> text</p>\n"
    assert len(converted) == 1
    render_markdown(text + " changed")
    assert len(converted) == 2
    long = "word " * (rendering.KEPT_TEXT_CHARS // 5 + 1)
    render_markdown(long), render_markdown(long)
    assert len(converted) == 4  # too long to keep: rendered each time
