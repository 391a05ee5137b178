"""Full-text search helpers shared by the core and the plugins."""

from __future__ import annotations

import re

WORD = re.compile(r"\w+")


def fts5_match(query: str, prefix: str = "none") -> str:
    """An FTS5 MATCH expression for what a user typed, or "" when it has no words.

    Every word is quoted, so FTS5 operators, quotes and parentheses are only ever text.
    `prefix` says which words also match as prefixes: "none", "last" (search as you type)
    or "all".
    """
    words = WORD.findall(query)
    terms = [f'"{word}"' for word in words]
    if terms and prefix == "all":
        terms = [f"{term}*" for term in terms]
    elif terms and prefix == "last":
        terms[-1] += "*"
    return " ".join(terms)
