"""The words of a search and of a lesson: what a user typed cut into plain words, the stop
words no search weighs, and a piece of a lesson's text around the words found."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from .models import Lesson

MAX_QUERY_WORDS = 12
WORD = re.compile(r"\w+", re.UNICODE)
_STOP_WORD_TEXT = """
    a about after all also an and any are as at be been but by can could did do does for
    from had has have how if in into is it its more most no not of on or our over so such
    than that the their them then there these they this those through to under up was we
    were what when where which while who will with within would you your"""
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())


def query_words(text: str, limit: int | None = MAX_QUERY_WORDS) -> list[str]:
    """The words of a search as plain tokens: no operator, quote or bracket survives."""
    return [word.lower() for word in WORD.findall(text or "")][:limit]


def snippet(lesson: Lesson, words: list[str], width: int = 220) -> Markup:
    """A piece of the lesson's text around the first hit, escaped, with hits in <mark>."""
    text = " ".join(
        part for part in (lesson.summary, lesson.context, lesson.actions, lesson.results) if part
    )
    text = re.sub(r"\s+", " ", text)
    stems = [word[:5] if len(word) > 5 else word for word in words if word not in STOP_WORDS]
    if not stems:
        return escape(shorten(text, width))
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + r")\w*", re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, first.start() - width // 3) if first else 0
    window = shorten(text[start:], width)
    if start:
        window = "…" + window
    pieces: list[str] = []
    position = 0
    for match in pattern.finditer(window):
        pieces.append(str(escape(window[position : match.start()])))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(str(escape(window[position:])))
    return Markup("".join(pieces))  # noqa: S704 - every piece is escaped above


def shorten(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    return text[:width].rsplit(" ", 1)[0] + "…"
