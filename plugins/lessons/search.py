"""Finding lessons: visibility, full-text search, facets, highlighted snippets, similar work.

Full-text search uses the database's engine: FTS5 (porter stemming, bm25 rank weighting the
title above the summary above the body) on SQLite and a weighted tsvector with `ts_rank` on
PostgreSQL. What the user typed is never passed through as query syntax: it is cut into words,
and each word is quoted (FTS5) or joined into plain words (websearch_to_tsquery), so quotes,
NEAR, *, parentheses or stop words only ever mean words.

Similar work ("avoid duplication") is TF-IDF cosine similarity over titles and summaries,
computed in Python on the candidate set (the lessons and initiatives the user may see). That
set is small (hundreds of records), the score is naturally between 0 and 1 and comparable
between lessons and initiatives, and it behaves the same on SQLite and PostgreSQL, which the
engines' ranks (bm25, ts_rank) do not.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    union_all,
)
from sqlalchemy.orm import selectinload

from intranet.plugin_api import User, db

from .coverage import cached
from .models import Initiative, Lesson, LessonTerm
from .rules import published_for, visible_to

PAGE_SIZE = 20
FACET_TOP = 10  # values a facet lists at first, the most frequent
FACET_MORE = 50  # values it lists after "More", the rest being found by searching
MAX_QUERY_WORDS = 12
FACETS = ("country", "level", "area", "form", "year", "tag")
TERM_FACETS = ("country", "form", "tag")

# PostgreSQL: the weighted tsvector of title (A), summary (B) and the rest (C), a stored
# column with its GIN index (migration lessons_0005), so ranking reads it, never recomputes it.
DOCUMENT_VECTOR = literal_column("lessons_lesson.fts_document")
NEWEST_FIRST = (Lesson.published_at.desc().nulls_first(), Lesson.id.desc())
FTS = table("lessons_lesson_fts", column("rowid"))
FTS_TABLE = literal_column("lessons_lesson_fts")

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


@dataclass(frozen=True)
class TextMatch:
    """The lessons containing the words, as the database's full-text engine finds them.

    `condition` only tells which lessons match (for counts and facets); `ranked()` orders a
    query best first. On SQLite the rank comes from joining the FTS5 table, so bm25 is
    computed once per hit in the scan that finds it: a rank subquery correlated to each
    lesson ran the MATCH again for every hit.
    """

    condition: ColumnElement[bool]
    best_first: ColumnElement[Any]
    fts_match: ColumnElement[bool] | None = None

    def ranked(self, statement: Select[Any]) -> Select[Any]:
        """`statement` narrowed to the matching lessons, best first, then newest first."""
        if self.fts_match is None:
            statement = statement.where(self.condition)
        else:
            statement = statement.join(FTS, FTS.c.rowid == Lesson.id).where(self.fts_match)
        return statement.order_by(self.best_first, *NEWEST_FIRST)


def text_match(words: list[str], *, prefix: bool = False) -> TextMatch | None:
    """How to find `words` on this database; None when there are none."""
    if not words:
        return None
    if db.engine.dialect.name == "postgresql":
        tsquery = func.websearch_to_tsquery("english", " ".join(words))
        condition = or_(func.numnode(tsquery) == 0, DOCUMENT_VECTOR.op("@@")(tsquery))
        return TextMatch(condition, func.ts_rank(DOCUMENT_VECTOR, tsquery).desc())
    quoted = [f'"{word}"' for word in words]
    if prefix:
        quoted[-1] += "*"
    match = FTS_TABLE.op("MATCH")(" ".join(quoted))
    return TextMatch(
        condition=Lesson.id.in_(select(FTS.c.rowid).where(match)),
        best_first=func.bm25(FTS_TABLE, 10.0, 5.0, 1.0, 1.0, 1.0, 1.0).asc(),
        fts_match=match,
    )


def is_small_number(text: str) -> bool:
    """Digits that fit a database integer column: a year or a page number, never a number
    that the database refuses to compare (which would answer 500)."""
    return text.isdigit() and len(text) <= 9


def facet_condition(facet: str, values: list[str]) -> ColumnElement[bool]:
    if facet in TERM_FACETS:
        return Lesson.id.in_(
            select(LessonTerm.lesson_id).where(
                LessonTerm.facet == facet, LessonTerm.value.in_(values)
            )
        )
    if facet == "year":
        return Lesson.start_year.in_([int(v) for v in values if is_small_number(v)])
    return getattr(Lesson, facet).in_(values)


@dataclass
class Selection:
    """A search: the words typed and the facet values chosen (any of a facet, all facets)."""

    query: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    page: int = 1
    more: str = ""  # the facet whose values are listed beyond the first few

    @classmethod
    def from_args(cls, args: Any) -> Selection:
        filters = {f: sorted(set(args.getlist(f))) for f in FACETS if args.getlist(f)}
        page = args.get("page", "1")
        more = args.get("more", "")
        return cls(
            query=args.get("q", "").strip()[:200],
            filters=filters,
            page=max(1, int(page)) if is_small_number(page) else 1,
            more=more if more in FACETS else "",
        )

    @property
    def words(self) -> list[str]:
        return query_words(self.query)

    def args(self, **changes: Any) -> dict[str, Any]:
        """URL arguments of this selection with `changes` applied (for links)."""
        args: dict[str, Any] = {"q": self.query or None, **self.filters, "more": self.more}
        args.update(changes)
        return {key: value for key, value in args.items() if value}

    def toggled(self, facet: str, value: str) -> dict[str, Any]:
        """The URL arguments with `value` added to or removed from `facet`, back to page 1."""
        values = set(self.filters.get(facet, []))
        values ^= {value}
        return self.args(**{facet: sorted(values), "page": None})

    def is_selected(self, facet: str, value: str) -> bool:
        return value in self.filters.get(facet, [])

    def shown(
        self, facet: str, values: list[tuple[str, int]]
    ) -> tuple[list[tuple[str, int]], bool]:
        """The values of `facet` to list (the most frequent few, and every chosen one), and
        whether there are more: a facet with thousands of tags lists a handful, not all."""
        limit = FACET_MORE if self.more == facet else FACET_TOP
        chosen = self.filters.get(facet, [])
        listed = [item for n, item in enumerate(values) if n < limit or item[0] in chosen]
        return listed, len(values) > limit

    def conditions(self, user: Any, *, extra: Iterable[Any] = ()) -> list[Any]:
        conditions = [visible_to(user), *extra]
        conditions += [facet_condition(f, v) for f, v in self.filters.items()]
        return conditions


@dataclass
class SearchPage:
    lessons: list[tuple[Lesson, Markup]]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    page: int
    pages: int


def search(user: Any, selection: Selection, *, published_only: bool = False) -> SearchPage:
    """One page of lessons for `selection`, with facet counts over the whole result.

    Three statements whatever the number of lessons: the facet counts with the total, the
    page, and the terms and initiatives of the page's lessons.
    """
    extra = [Lesson.status == "published"] if published_only else []
    conditions = selection.conditions(user, extra=extra)
    text = text_match(selection.words, prefix=True)
    matching = [*conditions, text.condition] if text is not None else conditions
    if text is None and not selection.filters and user.is_authenticated and not user.is_guest:
        total, facets = landing_counts(conditions, published_only)
    else:
        total, facets = facet_counts(matching)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(selection.page, pages)
    query = select(Lesson).where(*conditions)
    query = text.ranked(query) if text is not None else query.order_by(*NEWEST_FIRST)
    lessons = db.session.scalars(
        query.limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
        .options(selectinload(Lesson.terms), selectinload(Lesson.initiatives))
    ).all()
    return SearchPage(
        lessons=[(lesson, snippet(lesson, selection.words)) for lesson in lessons],
        total=total,
        facets=facets,
        page=page,
        pages=pages,
    )


FacetCounts = tuple[int, dict[str, list[tuple[str, int]]]]


def landing_counts(conditions: list[Any], published_only: bool) -> FacetCounts:
    """A member's unfiltered counts: every published lesson (the same for every member, kept
    until a lesson or its terms change, see coverage.cached) plus the unpublished ones this
    member may list (their own drafts; for a reviewer, what waits for review), counted live.

    Members see every published lesson and, of the others, only their own or, as reviewers,
    all (rules.lesson_votes), so the two parts add up to exactly what `conditions` select.
    """
    published = cached("facets:published", lambda: facet_counts([Lesson.status == "published"]))
    if published_only:
        return published
    unpublished = facet_counts([*conditions, Lesson.status != "published"])
    total = published[0] + unpublished[0]
    facets: dict[str, list[tuple[str, int]]] = {}
    for facet in FACETS:
        merged = Counter(dict(published[1][facet])) + Counter(dict(unpublished[1][facet]))
        facets[facet] = sort_counts(facet, list(merged.items()))
    return total, facets


def sort_counts(facet: str, values: list[tuple[str, int]]) -> list[tuple[str, int]]:
    if facet == "year":
        return sorted(values, reverse=True)
    return sorted(values, key=lambda item: (-item[1], item[0]))


def facet_counts(conditions: list[Any]) -> FacetCounts:
    """The number of lessons meeting `conditions`, and their counts per facet value, most
    frequent first; one statement that finds the lessons once (a materialized CTE)."""
    found = (
        select(Lesson.id, Lesson.level, Lesson.area, Lesson.start_year)
        .where(*conditions)
        .cte("found")
        .prefix_with("MATERIALIZED")
    )
    per_term = (  # found drives: each found lesson's terms through the primary key
        select(LessonTerm.facet, LessonTerm.value, func.count())
        .where(LessonTerm.lesson_id.in_(select(found.c.id)))
        .group_by(LessonTerm.facet, LessonTerm.value)
    )
    per_column = [
        select(literal(facet, String), cast(dimension, String), func.count()).group_by(dimension)
        for facet, dimension in (
            ("level", found.c.level),
            ("area", found.c.area),
            ("year", found.c.start_year),
        )
    ]
    everything = select(literal("", String), literal("", String), func.count()).select_from(found)
    total = 0
    counts: dict[str, list[tuple[str, int]]] = {facet: [] for facet in FACETS}
    for facet, value, count in db.session.execute(union_all(everything, per_term, *per_column)):
        if facet:
            counts[facet].append((value, count))
        else:
            total = count
    return total, {facet: sort_counts(facet, values) for facet, values in counts.items()}


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


# --- similar work -------------------------------------------------------------------------


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
