"""Similar work ("avoid duplication"): TF-IDF cosine similarity over titles and summaries,
computed in Python on a candidate set. The score is naturally between 0 and 1 and comparable
between lessons and initiatives, and it behaves the same on SQLite and PostgreSQL, which the
engines' ranks (bm25, ts_rank) do not.

A small collection (SMALL_COLLECTION lessons the user may see, or fewer) is compared whole.
A larger one is compared in the text's neighbourhood, so the cost follows the page, not the
data: the database's full-text index counts, up to RARITY_CAP, the lessons holding each word
of the text; the newest NEIGHBOURS lessons holding its two rarest words, and those holding any
of its four rarest, are the candidates, and word weights are those of the candidates. A
duplicate shares the text's rarest words, so it is among them.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache
from operator import mul
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select, union, union_all

from intranet.plugin_api import User, cached_figures, db

from .coverage import STAMP
from .models import Initiative, Lesson
from .rules import published_for
from .search import DOCUMENT_VECTOR, FTS, FTS_TABLE
from .words import STOP_WORDS, query_words

SMALL_COLLECTION = 1_000  # lessons compared whole
NEIGHBOURS = 100  # candidates each neighbourhood query adds, newest first
RARITY_CAP = 2_000  # lessons counted per word, at most
RARITY_SAMPLE = 500  # PostgreSQL: the newest lessons each word is counted in
TEXT_WORDS = 16  # distinct words of the text looked up in the index
RARITY_WORDS = 20_000  # words whose rarity a worker keeps
DOCUMENTS_KEPT = 2_048  # candidates' texts whose terms a worker keeps


def similarity_terms(text: str) -> list[str]:
    """Words without stop words, cut to seven letters as a crude stem ("exploited")."""
    return [w[:7] for w in query_words(text, None) if w not in STOP_WORDS and len(w) > 2]


@lru_cache(maxsize=DOCUMENTS_KEPT)
def document_terms(document: str) -> Counter[str]:
    """A candidate's terms, split once per worker: the same lessons are candidates for one
    draft after another. Shared between calls, so never changed by them."""
    return Counter(similarity_terms(document))


@lru_cache(maxsize=DOCUMENTS_KEPT)
def document_weights(document: str) -> tuple[dict[str, float], tuple[str, ...], tuple[float, ...]]:
    """A candidate's term-frequency weight (1 + log count) of each term, and its terms and
    their squared weights in the same order: computed once per worker, so that its norm is
    one pass in C. Shared between calls, so never changed by them."""
    weights = {term: 1 + math.log(count) for term, count in document_terms(document).items()}
    return weights, tuple(weights), tuple(weight * weight for weight in weights.values())


def rank_similar(
    text: str, documents: list[tuple[Any, str]], limit: int
) -> list[tuple[Any, float]]:
    """TF-IDF cosine between `text` and each (key, document); best first, above zero only."""
    query_terms = Counter(similarity_terms(text))
    if not query_terms:
        return []
    n = len(documents) + 1
    df: Counter[str] = Counter(query_terms.keys())
    for _, document in documents:
        df.update(document_weights(document)[0].keys())
    idf = {term: math.log(1 + n / count) for term, count in df.items()}
    idf_squared = {term: weight * weight for term, weight in idf.items()}

    q = {t: (1 + math.log(c)) * idf[t] for t, c in query_terms.items()}
    q_norm = math.sqrt(sum(x * x for x in q.values())) or 1.0
    scored = []
    for key, document in documents:
        weights, terms, squared = document_weights(document)
        shared = q.keys() & weights.keys()
        if not shared:  # nothing in common: no need to weigh its words
            continue
        dot = sum(q[term] * weights[term] * idf[term] for term in shared)
        norm = math.sqrt(sum(map(mul, squared, map(idf_squared.__getitem__, terms)))) or 1.0
        if dot > 0:
            scored.append((key, min(1.0, dot / (q_norm * norm))))
    scored.sort(key=lambda item: -item[1])
    return scored[:limit]


def similar_lessons_and_initiatives(
    text: str, user: User, limit: int
) -> list[tuple[str, Any, float]]:
    """("lesson" | "initiative", (id, title, summary), score) for what resembles `text`."""
    visible = published_for(user)
    words = list(dict.fromkeys(w for w in query_words(text, None) if w not in STOP_WORDS))
    words = [w for w in words if len(w) > 2][:TEXT_WORDS]
    rows = select(literal("lesson").label("kind"), Lesson.id, Lesson.title, Lesson.summary)
    rows = rows.where(visible)
    collection, counts = _word_counts(words, visible)
    if collection > SMALL_COLLECTION:
        present = sorted((count, word) for count, word in zip(counts, words, strict=True) if count)
        rarest = [word for _, word in present][:4]
        if not rarest:
            return []
        neighbours = union(
            _newest(_holding(rarest[:2]), visible), _newest(_holding(rarest, every=False), visible)
        ).subquery()
        rows = rows.where(Lesson.id.in_(select(neighbours.c.id)))
    if not user.is_guest:  # the newest initiatives too, in the same statement
        newest = (
            select(Initiative.id, Initiative.name, Initiative.description)
            .order_by(Initiative.id.desc())
            .limit(NEIGHBOURS)
            .subquery()
        )
        rows = union_all(rows, select(literal("initiative"), *newest.c))
    documents: list[tuple[Any, str]] = [
        ((kind, (id_, title, summary)), f"{title} {title} {summary}")
        for kind, id_, title, summary in db.session.execute(rows)
    ]
    return [(kind, row, score) for (kind, row), score in rank_similar(text, documents, limit)]


def _word_counts(words: list[str], visible: ColumnElement[bool]) -> tuple[int, list[float]]:
    """How many lessons the user may see (SMALL_COLLECTION + 1 at most), and how common each
    of `words` is, 0 for a word no lesson holds, in one statement.

    A word's rarity is the same for everyone, so each worker keeps it until the lessons change
    (the stamp "lessons"): a draft mostly uses words an earlier one used, and only the new
    ones are counted (RARITY_WORDS at most are kept).
    """
    rarity: dict[str, float] = cached_figures(STAMP, "similar:word-rarity", dict, shared=False)
    if len(rarity) > RARITY_WORDS:
        rarity.clear()
    missing = [word for word in words if word not in rarity]
    collection = _bounded_count(select(Lesson.id).where(visible), SMALL_COLLECTION + 1)
    if db.engine.dialect.name == "postgresql" and missing:
        row = db.session.execute(select(collection, *_sampled_counts(missing))).one()
        in_sample, holds = row[1 : 1 + len(missing)], row[1 + len(missing) :]
        found = [
            count or (0.5 if holds_it else 0)
            for count, holds_it in zip(in_sample, holds, strict=True)
        ]
    else:
        counts = (_bounded_count(_holding([word]), RARITY_CAP) for word in missing)
        row = db.session.execute(select(collection, *counts)).one()
        found = list(row[1:])
    rarity.update(zip(missing, found, strict=True))
    return row[0], [rarity[word] for word in words]


def _sampled_counts(words: list[str]) -> list[Any]:
    """PostgreSQL would read every matching row to count it (15-30 ms a word at N=1), so there
    each word is counted among the newest RARITY_SAMPLE lessons in one pass, and a word none
    of them holds counts as rarer than any other if some older lesson holds it: the counts
    in the sample, then whether any lesson holds each word."""
    sample = (
        select(DOCUMENT_VECTOR.label("document"))
        .select_from(Lesson)
        .order_by(Lesson.id.desc())
        .limit(RARITY_SAMPLE)
        .subquery()
    )
    # Each tsquery as a scalar subquery: computed once, not once per lesson of the sample.
    queries = [select(func.websearch_to_tsquery("english", w)).scalar_subquery() for w in words]
    counted = (
        select(*(func.count().filter(sample.c.document.op("@@")(q)) for q in queries))
        .select_from(sample)
        .subquery()
    )
    # Inline here, so the planner estimates the word: a common one stops at the first lesson.
    held = [
        select(literal(1)).select_from(Lesson).where(DOCUMENT_VECTOR.op("@@")(tsquery)).exists()
        for tsquery in (func.websearch_to_tsquery("english", w) for w in words)
    ]
    return [*counted.c, *held]


def _bounded_count(statement: Select[Any], cap: int) -> Any:
    """How many rows `statement` gives, counting no further than `cap`."""
    return select(func.count()).select_from(statement.limit(cap).subquery()).scalar_subquery()


def _holding(words: list[str], *, every: bool = True) -> Select[Any]:
    """Ids of the lessons whose title or summary hold every one (or any one) of `words`,
    newest first, as the full-text index finds them (quoted as plain words, never query
    syntax). On SQLite the FTS5 table drives, so the newest come first without a sort."""
    if db.engine.dialect.name == "postgresql":
        joined = (" " if every else " or ").join(words)
        tsquery = func.websearch_to_tsquery("english", joined)
        found = select(Lesson.id.label("id")).where(DOCUMENT_VECTOR.op("@@")(tsquery))
        return found.order_by(Lesson.id.desc())
    quoted = (" " if every else " OR ").join(f'"{word}"' for word in words)
    match: ColumnElement[bool] = FTS_TABLE.op("MATCH")(literal(f"{{title summary}}: ({quoted})"))
    return select(FTS.c.rowid.label("id")).where(match).order_by(FTS.c.rowid.desc())


def _newest(holding: Select[Any], visible: ColumnElement[bool]) -> Select[Any]:
    """The newest NEIGHBOURS lessons among `holding` that the user may see (a subquery of
    its own: SQLite takes no LIMIT inside a UNION's parts)."""
    if db.engine.dialect.name != "postgresql":
        holding = holding.join(Lesson, Lesson.id == FTS.c.rowid)
    newest = holding.where(visible).limit(NEIGHBOURS).subquery()
    return select(newest.c.id)
