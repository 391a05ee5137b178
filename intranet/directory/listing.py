"""Finding members: the directory's filters and full-text search, shared by every page that lists
members (directory, CSV export, global search).

Text search uses the database's own engine over the member's name, position, expertise,
languages and country code: the FTS5 table `member_fts` on SQLite, the GIN-indexed tsvector
column MEMBER_TSVECTOR on PostgreSQL (made by migrations core_0002 and core_0018). Organisation and
country names live in small reference tables and are matched in Python. Every word the user
typed must match somewhere, as a prefix, so results narrow as they type. User input never
reaches the query syntax: words are reduced to letters and digits and quoted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.sql.elements import ColumnElement

from intranet.extensions import db
from intranet.models import Country, Organisation, User
from intranet.platform import stamps

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
WORD = re.compile(r"[^\W_]+")
# PostgreSQL: the account's text as a stored tsvector under the GIN index (core_0018), so a
# query testing an account reads it instead of computing it.
MEMBER_TSVECTOR = sa.literal_column("user_account.fts_document")
SORTS = {
    "name": "Name",
    "country": "Country",
    "organisation": "Organisation",
}
DIRECTORY_ROLES = ("member", "secretariat", "admin")
FEW = 2_000  # accounts matching a search that are found first and then sorted

# What the directory lists and finds: counts of it are kept until one of these changes (a
# sign-in or a changed phone number moves nothing).
STAMP = "directory"
REFERENCE = "reference-names"  # the organisations' and countries' names
stamps.watch(REFERENCE, Organisation, Country)
stamps.watch(
    STAMP,
    *(User.name, User.position, User.expertise, User.languages, User.country_code),
    *(User.organisation_id, User.role, User.is_active_account),
    Organisation,
    Country,
)


def search_terms(query: str | None) -> list[str]:
    """The words of a query, lower-cased, without any character a search syntax could use."""
    words = WORD.findall((query or "").casefold())
    return [word[:MAX_TERM_LENGTH] for word in words[:MAX_TERMS]]


def fold(text: str) -> str:
    """Lower case without accents, so "lodz" finds "Łódź" in reference data."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("ł", "l")


@lru_cache(maxsize=4096)
def folded_words(name: str) -> tuple[str, ...]:
    """The words of a reference name (an organisation's, a country's), folded once per worker:
    a search compares every term with every name."""
    return tuple(WORD.findall(fold(name)))


def words_start_with(text: str, term: str) -> bool:
    return _words_start_with(text, fold(term))


def _words_start_with(text: str, folded_term: str) -> bool:
    return any(word.startswith(folded_term) for word in folded_words(text))


def _tested(column: Any, walked: bool) -> Any:
    """`column` as the condition on it is written. `walked`: the members are read in the
    list's order and each tested, so on SQLite the column is hidden from the planner (`+ 0`,
    `|| ''`), which would otherwise collect every hit of a common word through an index and
    sort them all (3.6 ms for 3,600 hits at N=1, where walking finds a page in 0.6 ms)."""
    if not walked or db.engine.dialect.name != "sqlite":
        return column
    return column + 0 if isinstance(column.type, sa.Integer) else column.concat("")


def _fulltext_match(term: str, index: int, walked: bool = False) -> ColumnElement[bool]:
    """The member's own text contains a word starting with `term` (index: a unique bind name)."""
    if db.engine.dialect.name == "postgresql":
        return MEMBER_TSVECTOR.op("@@")(
            sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), term + ":*")
        )
    phrase = '"' + term.replace('"', '""') + '"*'
    name = f"fts_phrase_{index}"
    matching = (
        sa.select(sa.literal_column("rowid"))
        .select_from(sa.table("member_fts"))
        .where(sa.text(f"member_fts MATCH :{name}").bindparams(sa.bindparam(name, phrase)))
    )
    return _tested(User.id, walked).in_(matching)


def country_names() -> dict[str, str]:
    """Country names by code, in the order of the names (with the organisations' names)."""
    return reference_names()[1]


def reference_names() -> tuple[list[tuple[int, str]], dict[str, str]]:
    """(id, name) of every organisation, and the country names by code in the order of their
    names: a search matches its words against them in Python. Read once per change to them
    (they change a few times a year), not on every page."""
    if "directory_reference" not in g:
        g.directory_reference = stamps.cached(REFERENCE, "names", _reference_names)
    return g.directory_reference


def _reference_names() -> tuple[list[tuple[int, str]], dict[str, str]]:
    rows = db.session.execute(
        sa.union_all(
            sa.select(sa.literal("o"), sa.cast(Organisation.id, sa.String), Organisation.name),
            sa.select(sa.literal("c"), Country.code, Country.name),
        )
    ).all()
    organisations = [(int(key), name) for kind, key, name in rows if kind == "o"]
    countries = sorted(((name, code) for kind, code, name in rows if kind == "c"))
    return organisations, {code: name for name, code in countries}


def text_condition(terms: list[str], walked: bool = False) -> ColumnElement[bool]:
    """Every term matches the member's own text, organisation name or country name (`walked`:
    tested on members read in order, see `_tested`)."""
    organisations, countries_by_code = reference_names()
    countries = countries_by_code.items()
    conditions = []
    for index, term in enumerate(terms):
        folded = fold(term)  # once, not once per name
        organisation_ids = [id_ for id_, name in organisations if _words_start_with(name, folded)]
        country_codes = [code for code, name in countries if _words_start_with(name, folded)]
        # Alternatives only when some organisation or country matches: an always-false
        # `IN ()` in the OR keeps the planner from driving the query from the full-text index.
        alternatives = [_fulltext_match(term, index, walked)]
        if organisation_ids:
            alternatives.append(_tested(User.organisation_id, walked).in_(organisation_ids))
        if country_codes:
            alternatives.append(_tested(User.country_code, walked).in_(country_codes))
        conditions.append(sa.or_(*alternatives))
    return sa.and_(*conditions)


@dataclass
class DirectoryFilter:
    """The directory's filter state, as it appears in the URL."""

    q: str = ""
    country: str = ""
    kind: str = ""
    role: str = ""
    sort: str = "name"
    hits: Any = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_args(cls, args: dict[str, str]) -> DirectoryFilter:
        sort = args.get("sort", "name")
        role = args.get("role", "")
        return cls(
            q=args.get("q", "").strip()[:200],
            country=args.get("country", "").strip().upper()[:8],
            kind=args.get("kind", "").strip()[:20],
            role=role if role in DIRECTORY_ROLES else "",
            sort=sort if sort in SORTS else "name",
        )

    def as_args(self, **changes: str | int) -> dict[str, str | int]:
        """The query-string arguments of this filter (empty ones left out), with `changes`."""
        values: dict[str, str | int] = {
            "q": self.q,
            "country": self.country,
            "kind": self.kind,
            "role": self.role,
            "sort": "" if self.sort == "name" else self.sort,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value}

    def conditions(self) -> list[ColumnElement[bool]]:
        """What an account must be to be listed, the words of the search aside."""
        conditions = [User.is_active_account.is_(True), User.role.in_(DIRECTORY_ROLES)]
        if self.country:
            conditions.append(User.country_code == self.country)
        if self.kind:
            kinds = sa.select(Organisation.id).where(Organisation.kind == self.kind)
            conditions.append(User.organisation_id.in_(kinds))
        if self.role:
            conditions.append(User.role == self.role)
        return conditions

    def statement(self, ids_only: bool = False) -> sa.Select[Any]:
        """Active members (never guests) matching the filter, organisations loaded with them
        (or only their ids: see `page`)."""
        statement = (
            sa.select(User.id).outerjoin(User.organisation)
            if ids_only
            else sa.select(User)
            .outerjoin(User.organisation)
            .options(contains_eager(User.organisation))
        )
        conditions = self.conditions()
        name, country = User.name, User.country_code
        self.hits = None
        if terms := search_terms(self.q):
            if few_match(lambda: sa.and_(text_condition(terms), *conditions), self.key()):
                matching = text_condition(terms)
                # Found first through the full-text index, then sorted: ordered by name in
                # the same query, PostgreSQL (which cannot tell how rare a word prefix is)
                # walked the index on name testing every account (1 s at 150,000 accounts).
                self.hits = (
                    sa.select(User.id, User.name, User.country_code)
                    .where(matching, *conditions)
                    .cte("directory_hits")
                    .prefix_with("MATERIALIZED")
                )
                statement = statement.join(self.hits, self.hits.c.id == User.id)
                name, country = self.hits.c.name, self.hits.c.country_code
                conditions = []
            else:  # a common word: walked in order, the first page of hits comes soon
                conditions.append(text_condition(terms, walked=True))
        order = {
            "name": [name],
            "country": [country, name],
            "organisation": [Organisation.name, name],
        }[self.sort]
        statement = statement.where(*conditions)
        return statement.order_by(*[sa.nulls_last(column.asc()) for column in order], User.id)

    def page(self, limit: int, offset: int) -> list[User]:
        """A page of the members listed. In their organisations' order, the page's ids are
        picked first among narrow rows that an index covers (ix_user_account_organisation_order),
        then their accounts read: sorting whole accounts by their organisation's name read
        every account of the filter (a delegation of 9,000 at N=10: 25 ms; now 4 ms)."""
        if self.sort != "organisation":
            return list(db.session.scalars(self.statement().limit(limit).offset(offset)))
        ids = db.session.scalars(self.statement(ids_only=True).limit(limit).offset(offset)).all()
        return accounts(ids)

    def key(self) -> str:
        """What the members listed depend on (the order aside), for the cached counts."""
        return repr((" ".join(search_terms(self.q)), self.country, self.kind, self.role))

    def count(self) -> int:
        """How many members this filter lists, counted once per change to the directory
        (100,000 members took 40-60 ms to count on every page): the hits of a search where
        they were found, without joining them to the accounts again. The statement is built
        only to count: building it tests every organisation's and country's name against the
        words searched."""

        def counted() -> int:
            statement = self.statement()
            if self.hits is None:
                return count(statement)
            return db.session.scalar(sa.select(sa.func.count()).select_from(self.hits)) or 0

        return stamps.cached(STAMP, f"count:{self.key()}", counted)


def accounts(ids: list[int]) -> list[User]:
    """The accounts of `ids` with their organisations, in the order of `ids`: one query."""
    found = db.session.scalars(
        sa.select(User).options(joinedload(User.organisation)).where(User.id.in_(ids))
    )
    by_id = {user.id: user for user in found}
    return [by_id[user_id] for user_id in ids if user_id in by_id]


def few_match(condition: Callable[[], ColumnElement[bool]], key: str) -> bool:
    """Whether at most FEW accounts meet `condition()` (the filter `key` describes): reads no
    more than FEW + 1 of them, once per change to the directory. The condition is built only
    then: building it tests every organisation's and country's name against the words.

    FEW is where finding the hits first and sorting them costs as much as walking the members
    in order until a page of hits is found: with 2,000 hits among 100,000 members a page of 25
    is found after about 1,250 members.
    """

    def few() -> bool:
        some = sa.select(User.id).where(condition()).limit(FEW + 1).subquery()
        return (db.session.scalar(sa.select(sa.func.count()).select_from(some)) or 0) <= FEW

    return stamps.cached(STAMP, f"few:{key}", few)


def count(statement: sa.Select[tuple[User]]) -> int:
    subquery = statement.order_by(None).options().with_only_columns(User.id).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(subquery)) or 0
