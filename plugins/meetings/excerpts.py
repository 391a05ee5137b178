"""Excerpts of text written in Markdown (minutes, agenda descriptions) as people read them:
the Markdown interpreted and its markers gone, never raw `**`, `#` or `- `."""

from __future__ import annotations

import html
import re

from intranet.plugin_api import render_markdown

TAG = re.compile(r"<[^>]+>")
# Markers a cut-off excerpt can leave unmatched, which Markdown then keeps as they are.
STRAY_MARKERS = re.compile(r"(\*\*|__|`+|(?:^|\s)#{1,6}(?=\s)|(?:^|\s)[-*+](?=\s))")
SPACES = re.compile(r"\s+")


# Text with none of these reads the same rendered or not (no emphasis, escape, link, HTML,
# entity, rule, table, fence, definition or attribute; code marks, headings' `#` and list
# markers are STRAY_MARKERS), so it is not rendered: Markdown takes about 0.3 ms a text,
# and a page of search results shows up to twenty excerpts of minutes.
MARKUP = re.compile(r"[\\*_\[\]{}<>&|~]|^\s*(?:[-=:]|\d+\.)", re.MULTILINE)


def plain_text(markdown: str | None) -> str:
    """The text of `markdown` on one line, rendered (sanitized) and stripped of its markup."""
    text = markdown or ""
    if MARKUP.search(text):
        text = html.unescape(TAG.sub(" ", str(render_markdown(text))))
    return SPACES.sub(" ", STRAY_MARKERS.sub(" ", text)).strip()


def excerpt(markdown: str | None, limit: int = 160) -> str:
    """The beginning of `markdown` as plain text, cut at a word within `limit` characters."""
    text = plain_text(markdown)
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
