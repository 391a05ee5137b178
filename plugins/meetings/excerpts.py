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


def plain_text(markdown: str | None) -> str:
    """The text of `markdown` on one line, rendered (sanitized) and stripped of its markup."""
    rendered = TAG.sub(" ", str(render_markdown(markdown or "")))
    text = STRAY_MARKERS.sub(" ", html.unescape(rendered))
    return SPACES.sub(" ", text).strip()


def excerpt(markdown: str | None, limit: int = 160) -> str:
    """The beginning of `markdown` as plain text, cut at a word within `limit` characters."""
    text = plain_text(markdown)
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
