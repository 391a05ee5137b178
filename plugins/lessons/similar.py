"""Similar work ("avoid duplication"): TF-IDF cosine similarity over titles and summaries,
computed in Python on the candidate set (the lessons and initiatives the user may see). That
set is small (hundreds of records), the score is naturally between 0 and 1 and comparable
between lessons and initiatives, and it behaves the same on SQLite and PostgreSQL, which the
engines' ranks (bm25, ts_rank) do not.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from sqlalchemy import select

from intranet.plugin_api import User, db

from .models import Initiative, Lesson
from .rules import published_for
from .search import STOP_WORDS, query_words


def similarity_terms(text: str) -> list[str]:
    """Words without stop words, cut to seven letters as a crude stem ("exploited")."""
    return [w[:7] for w in query_words(text, None) if w not in STOP_WORDS and len(w) > 2]


def rank_similar(
    text: str, documents: list[tuple[Any, str]], limit: int
) -> list[tuple[Any, float]]:
    """TF-IDF cosine between `text` and each (key, document); best first, above zero only."""
    query_terms = Counter(similarity_terms(text))
    if not query_terms:
        return []
    doc_terms = [(key, Counter(similarity_terms(doc))) for key, doc in documents]
    n = len(doc_terms) + 1
    df: Counter[str] = Counter()
    for _, terms in doc_terms:
        df.update(terms.keys())
    df.update(query_terms.keys())

    def vector(terms: Counter[str]) -> dict[str, float]:
        return {t: (1 + math.log(c)) * math.log(1 + n / df[t]) for t, c in terms.items()}

    def norm(v: dict[str, float]) -> float:
        return math.sqrt(sum(x * x for x in v.values())) or 1.0

    q = vector(query_terms)
    q_norm = norm(q)
    scored = []
    for key, terms in doc_terms:
        d = vector(terms)
        dot = sum(weight * d.get(term, 0.0) for term, weight in q.items())
        if dot > 0:
            scored.append((key, min(1.0, dot / (q_norm * norm(d)))))
    scored.sort(key=lambda item: -item[1])
    return scored[:limit]


def similar_lessons_and_initiatives(
    text: str, user: User, limit: int
) -> list[tuple[str, Any, float]]:
    """("lesson" | "initiative", (id, title, summary), score) for what resembles `text`."""
    lessons = db.session.execute(
        select(Lesson.id, Lesson.title, Lesson.summary).where(published_for(user))
    ).all()
    initiatives = []
    if not user.is_guest:
        initiatives = db.session.execute(
            select(Initiative.id, Initiative.name, Initiative.description)
        ).all()
    documents: list[tuple[Any, str]] = [
        (("lesson", row), f"{row[1]} {row[1]} {row[2]}") for row in lessons
    ] + [(("initiative", row), f"{row[1]} {row[1]} {row[2]}") for row in initiatives]
    return [(kind, row, score) for (kind, row), score in rank_similar(text, documents, limit)]
