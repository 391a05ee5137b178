"""Similar existing work, so people join a sub-group instead of starting a second one.

The choice: each text becomes a set of content words (lower case, stop words and words under
three letters dropped, a plural "s" removed); a group's name counts twice as much as its
mandate. The score is the cosine similarity of the two weighted word vectors, 0 (nothing in
common) to 1 (the same words). It needs no index and no extra dependency, ranks an obvious
duplicate first, and is cheap for the few hundred groups a task force ever has.
"""

from __future__ import annotations

import math
import re
from collections import Counter

STOP_WORDS = frozenset(
    {
        "about",
        "after",
        "against",
        "all",
        "also",
        "and",
        "any",
        "are",
        "been",
        "being",
        "between",
        "both",
        "but",
        "can",
        "could",
        "does",
        "during",
        "each",
        "for",
        "from",
        "further",
        "group",
        "groups",
        "has",
        "have",
        "how",
        "into",
        "its",
        "more",
        "most",
        "not",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "should",
        "such",
        "sub",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "very",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "will",
        "with",
        "within",
        "would",
        "you",
        "your",
        "task",
        "force",
        "work",
        "working",
    }
)
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def words(text: str) -> list[str]:
    found = []
    for word in WORD.findall(text.lower()):
        if len(word) < 3 or word in STOP_WORDS:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.append(word)
    return found


def vector(name: str, mandate: str = "") -> Counter[str]:
    weights: Counter[str] = Counter()
    for word in set(words(name)):
        weights[word] += 2
    for word in set(words(mandate)):
        weights[word] += 1
    return weights


def norm(weights: Counter[str]) -> float:
    return math.sqrt(sum(w * w for w in weights.values()))


def similarity(
    a: Counter[str], b: Counter[str], a_norm: float | None = None, b_norm: float | None = None
) -> float:
    """Cosine of two word vectors; their norms may be given when they were computed once."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)  # a draft may hold a hundred words
    dot = sum(weight * large[word] for word, weight in small.items() if word in large)
    if not dot:
        return 0.0
    a_norm = norm(a) if a_norm is None else a_norm
    b_norm = norm(b) if b_norm is None else b_norm
    return round(min(dot / (a_norm * b_norm), 1.0), 3)
