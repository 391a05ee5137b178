"""Markdown to safe HTML: rendered with Python-Markdown, then sanitized with nh3."""

from __future__ import annotations

import threading
from functools import lru_cache

import markdown as md
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}


_local = threading.local()

KEPT_TEXTS = 1_024  # rendered texts a worker keeps
KEPT_TEXT_CHARS = 10_000  # longer texts are rendered every time (bounds the memory kept)


def converter() -> md.Markdown:
    """This thread's Markdown converter, reset for a new text.

    Building one compiles its patterns (about 5 ms): a page of search results with twenty
    excerpts spent 100-200 ms doing that. A converter serves one text at a time, hence one
    per thread; `reset()` forgets what the last text defined (footnotes, abbreviations).
    """
    if getattr(_local, "converter", None) is None:
        _local.converter = md.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    return _local.converter.reset()


def render_markdown(text: str | None) -> Markup:
    """Render user-written Markdown; raw HTML, scripts, event and hx-* attributes are dropped.

    The same text always gives the same HTML, so a worker keeps what it rendered last: an
    agenda, a thread or a lesson is read many times between two edits."""
    if not text:
        return Markup("")
    if len(text) > KEPT_TEXT_CHARS:
        return Markup(_render(text))  # noqa: S704 - sanitized by nh3 in _render
    return Markup(_kept(text))  # noqa: S704 - sanitized by nh3 in _render


def _render(text: str) -> str:
    html = converter().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_kept = lru_cache(maxsize=KEPT_TEXTS)(_render)
