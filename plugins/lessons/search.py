"""Finding lessons: visibility, full-text search, facets, highlighted snippets.

Full-text search uses the database's engine: FTS5 (porter stemming, bm25 rank weighting the
title above the summary above the body) on SQLite and a weighted tsvector with `ts_rank` on
PostgreSQL. What the user typed is never passed through as query syntax: it is cut into words,
and each word is quoted (FTS5) or joined into plain words (websearch_to_tsquery), so quotes,
NEAR, *, parentheses or stop words only ever mean words.

Similar work ("avoid duplication") is in similar.py.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    Subquery,
    and_,
    column,
    exists,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    table,
)
from sqlalchemy.orm import lazyload, selectinload

from intranet.plugin_api import cached_figures, db

from . import tally
from .coverage import STAMP, cached
from .facets import FACETS, TERM_FACETS, FacetCounts, counted_facets, facet_counts, sort_counts
from .models import Lesson, LessonTerm
from .newest import newest_first
from .rules import granted_lesson_ids, is_reviewer, visible_to
from .words import query_words, snippet

PAGE_SIZE = 20
CANDIDATES = 1_000  # matches a search ranks and counts at most
MANY = 2_000  # lessons in a list above which its first page is read in order, not sorted
FACET_TOP = 10  # values a facet lists at first, the most frequent
FACET_MORE = 50  # values it lists after "More", the rest being found by searching
QUERY_SAFE = "!$'()*,/:;?@"  # the characters url_for leaves unquoted in a query (werkzeug)

# PostgreSQL: the weighted tsvector of title (A), summary (B) and the rest (C), a stored
# column with its GIN index (migration lessons_0005), so ranking reads it, never recomputes it.
DOCUMENT_VECTOR = literal_column("lessons_lesson.fts_document")
FTS = table("lessons_lesson_fts", column("rowid"))
FTS_TABLE = literal_column("lessons_lesson_fts")


@dataclass(frozen=True)
class TextMatch:
    """The lessons containing the words, as the database's full-text engine finds them.

    `condition` only tells which lessons match; `score` rates a match, lower is better. A
    search ranks and counts its `candidates()`, never every match: a very common word
    matches most lessons (and weighs near zero in the rank anyway), so ranking or counting
    all of them would cost in proportion to the data, not to the page. Nor are the matches
    of such words `ranked`: they come newest first (see `common`).
    """

    condition: ColumnElement[bool]
    score: ColumnElement[Any]
    ranked: bool = True
    fts_match: ColumnElement[bool] | None = None

    def candidates(self, conditions: Iterable[Any]) -> Subquery:
        """(id, score, published_at, level, area, start_year) of the newest CANDIDATES + 1
        matching lessons meeting `conditions`: one more than the bound tells that there are
        more. On SQLite the FTS5 table drives (newest rowid first, bm25 computed for the
        candidates only). Unranked matches all score 0."""
        columns = (
            (self.score if self.ranked else literal(0)).label("score"),
            Lesson.published_at.label("published_at"),
            Lesson.level.label("level"),
            Lesson.area.label("area"),
            Lesson.start_year.label("start_year"),
        )
        if self.fts_match is None:
            found = select(Lesson.id.label("id"), *columns)
            found, newest = found.where(self.condition), Lesson.id.desc()
        else:
            found = select(FTS.c.rowid.label("id"), *columns)
            found = found.join(Lesson, Lesson.id == FTS.c.rowid).where(self.fts_match)
            newest = FTS.c.rowid.desc()
        return found.where(*conditions).order_by(newest).limit(CANDIDATES + 1).subquery()

    def found(self, conditions: Iterable[Any]) -> CTE:
        """The candidates, found once for every part of the statement that reads them (the
        matches of a common word are read row by row, 9 ms at N=10)."""
        return select(self.candidates(conditions)).cte("found").prefix_with("MATERIALIZED")


def best_order(columns: Any) -> tuple[Any, ...]:
    """Best first, then as NEWEST_FIRST, over `columns` (id, score, published_at)."""
    return (columns.score, columns.published_at.desc().nulls_first(), columns.id.desc())


def best_first(found: CTE) -> Select[Any]:
    """`found`'s ids, best first: a sort, not a window numbering every candidate (4 ms for a
    thousand on SQLite)."""
    return select(found.c.id).order_by(*best_order(found.c))


def places(found: CTE, first: int, count: int) -> Select[Any]:
    """(id, place) of the lessons at places `first` + 1 to `first` + `count` of `found`, best
    first, `place` counting from 1 among them."""
    page = select(found).order_by(*best_order(found.c)).limit(count).offset(first).subquery()
    return select(page.c.id, func.row_number().over(order_by=best_order(page.c)).label("place"))


def text_match(words: list[str], *, prefix: bool = False) -> TextMatch | None:
    """How to find `words` on this database (with `prefix`, the last one may begin a longer
    word, as a search being typed); None when there are none."""
    if not words:
        return None
    if db.engine.dialect.name == "postgresql":
        tsquery = func.websearch_to_tsquery("english", " ".join(words))
        condition = or_(func.numnode(tsquery) == 0, DOCUMENT_VECTOR.op("@@")(tsquery))
        ranked = not common(select(Lesson.id).where(condition), " ".join(words))
        return TextMatch(condition, -func.ts_rank(DOCUMENT_VECTOR, tsquery), ranked)
    whole = " ".join(f'"{word}"' for word in words)
    typed = whole
    # A word held by that many lessons is taken as typed, not also as the beginning of longer
    # words: FTS5 gathers every match of a prefix before giving the first (4 ms at N=1).
    if prefix and not common(select(FTS.c.rowid).where(FTS_TABLE.op("MATCH")(whole)), whole):
        typed = whole + "*"
    match = FTS_TABLE.op("MATCH")(typed)
    return TextMatch(
        condition=Lesson.id.in_(select(FTS.c.rowid).where(match)),
        score=func.bm25(FTS_TABLE, 10.0, 5.0, 1.0, 1.0, 1.0, 1.0),
        ranked=not common(select(FTS.c.rowid).where(match), typed),
        fts_match=match,
    )


def common(holding: Select[Any], key: str) -> bool:
    """Whether more than CANDIDATES lessons are `holding` the words `key`, whoever may read
    them. Such words weigh near zero in any rank, and rating them costs in proportion to the
    data (bm25 counts every lesson holding each word for its weight), so their matches come
    newest first. Counted no further than the bound, once per change to the lessons for
    every worker."""
    bounded = select(func.count()).select_from(holding.limit(CANDIDATES + 1).subquery())
    return cached_figures(
        STAMP,
        f"search:common:{key}",
        lambda: (db.session.scalar(bounded) or 0) > CANDIDATES,
        shared=True,
    )


def is_small_number(text: str) -> bool:
    """Digits that fit a database integer column: a year or a page number, never a number
    that the database refuses to compare (which would answer 500)."""
    return text.isdigit() and len(text) <= 9


def facet_condition(facet: str, values: list[str], *, many: bool = False) -> ColumnElement[bool]:
    """The lessons having any of `values` for `facet`. For a list page: when `many` lessons
    have them, asked lesson by lesson as the newest are read (the first page is soon found),
    otherwise as the set of the few lessons having them (read, then sorted)."""
    if facet in TERM_FACETS and many:
        return exists().where(
            LessonTerm.lesson_id == Lesson.id,
            LessonTerm.facet == facet,
            LessonTerm.value.in_(values),
        )
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

    @staticmethod
    def url(base: str, args: dict[str, Any]) -> str:
        """`base` with `args` (as `args` or `toggled` give them) for its query, as url_for
        writes it: a list's sixty-odd facet links are built without url_for's rule lookup
        and argument checks, which took a tenth of the page."""
        items = [
            (key, item)
            for key, value in args.items()
            for item in (value if isinstance(value, list) else [value])
        ]
        return f"{base}?{urlencode(items, safe=QUERY_SAFE)}" if items else base

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

    def conditions(self, user: Any, *, extra: Iterable[Any] = (), many: bool = False) -> list[Any]:
        conditions = [visible_to(user), *extra]
        conditions += [facet_condition(f, v, many=many) for f, v in self.filters.items()]
        return conditions


@dataclass
class SearchPage:
    lessons: list[tuple[Lesson, Markup]]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    page: int
    pages: int
    capped: bool = False  # more than CANDIDATES lessons match: `total` is a lower bound
    ranked: bool = True  # best first; False: newest first, the words being very common


def search(user: Any, selection: Selection, *, published_only: bool = False) -> SearchPage:
    """One page of lessons for `selection`, with facet counts over the whole result.

    Three statements whatever the number of lessons: the facet counts with the total, the
    page, and the terms of the page's lessons.
    """
    extra = [Lesson.status == "published"] if published_only else []
    conditions = selection.conditions(user, extra=extra)
    text = text_match(selection.words, prefix=True)
    if text is not None:
        found = text.found(conditions)
        first = (selection.page - 1) * PAGE_SIZE
        total, facets, shown = counted_facets(found, places(found, first, PAGE_SIZE))
    else:
        total, facets = listed_counts(user, selection.filters, published_only, conditions)
        if total > MANY:
            conditions = selection.conditions(user, extra=extra, many=True)
    capped = total > CANDIDATES
    total = min(total, CANDIDATES)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(selection.page, pages)
    offset = (page - 1) * PAGE_SIZE
    if text is not None:
        if offset != first:  # a page past the last: the last one
            placed = db.session.execute(places(found, offset, PAGE_SIZE)).all()
            shown = [lesson_id for lesson_id, _ in sorted(placed, key=lambda row: row.place)]
        query = select(Lesson).where(Lesson.id.in_(shown))
    else:
        query = newest_first(user, conditions, offset=offset, limit=PAGE_SIZE)
    lessons = db.session.scalars(  # the list shows no author and no initiative
        query.options(
            selectinload(Lesson.terms), lazyload(Lesson.author), lazyload(Lesson.initiatives)
        )
    ).all()
    if text is not None:
        lessons.sort(key=lambda lesson: shown.index(lesson.id))
    return SearchPage(
        lessons=[(lesson, snippet(lesson, selection.words)) for lesson in lessons],
        total=total,
        facets=facets,
        page=page,
        pages=pages,
        capped=capped,
        ranked=text is None or text.ranked,
    )


def listed_counts(
    user: Any, filters: dict[str, list[str]], published_only: bool, conditions: list[Any]
) -> FacetCounts:
    """The counts of what `user` may list among the lessons meeting `filters`, without a
    full count per view: the parts the same for everyone come from a cache kept until what
    lessons are counted by changes (see coverage.cached); only the user's own part is counted
    live.

    The parts add up to exactly what `conditions` (rules.visible_to) select: members see every
    published lesson and, of the others, their own or, as reviewers, all; guests see the
    published lessons shared beyond the task force, those granted to them one by one
    (taskforce-only ones, so never counted twice) and anything of their own.
    """
    if not user.is_authenticated:
        return facet_counts(conditions)
    chosen = [facet_condition(facet, values) for facet, values in filters.items()]
    # One person's few lessons are tested one by one: the set of every lesson having a value
    # (thousands) would be read to find the few (13 ms on SQLite at N=1).
    for_few = [facet_condition(facet, values, many=True) for facet, values in filters.items()]
    key = repr(sorted(filters.items()))
    published = Lesson.status == "published"
    if user.is_guest:
        shared = and_(published, Lesson.sharing.in_(tally.SHARED))
        parts = [everyone(f"facets:shared:{key}", tally.SHARED, shared, filters, chosen)]
        own = Lesson.id.in_(granted_lesson_ids(user) or [0])
        if not published_only:
            own = or_(own, and_(not_(published), Lesson.author_id == user.id))
        parts.append(facet_counts([own, *for_few]))
    else:
        parts = [everyone(f"facets:published:{key}", tally.PUBLISHED, published, filters, chosen)]
        if not published_only:
            if is_reviewer(user):
                name, unpublished = f"facets:unpublished:{key}", not_(published)
                parts.append(
                    everyone(name, tally.UNPUBLISHED, unpublished, filters, chosen, drafts=True)
                )
            else:
                own = [not_(published), Lesson.author_id == user.id, *for_few]
                parts.append(facet_counts(own))
    total = sum(part[0] for part in parts)
    facets: dict[str, list[tuple[str, int]]] = {}
    for facet in FACETS:
        merged = sum((Counter(dict(part[1][facet])) for part in parts), Counter())
        facets[facet] = sort_counts(facet, list(merged.items()))
    return total, facets


def everyone(
    name: str,
    kinds: tuple[str, ...],
    of_kinds: ColumnElement[bool],
    filters: dict[str, list[str]],
    chosen: list[ColumnElement[bool]],
    *,
    drafts: bool = False,
) -> FacetCounts:
    """The counts of the lessons of `kinds` (the condition `of_kinds`) meeting `filters` (the
    conditions `chosen`), the same for everyone, kept until what lessons are counted by
    changes. Without a filter or with one value they come from the tally, so that a million
    lessons are not counted again because one was published; with more they are counted."""
    within = tally.within(filters)
    if within is not None:
        return cached(name, lambda: tally.tallied(kinds, within), drafts=drafts)
    return cached(name, lambda: facet_counts([of_kinds, *chosen]), drafts=drafts)
