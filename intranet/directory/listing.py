"""Finding members: the directory's filters and full-text search, shared by every page that lists
members (directory, CSV export, global search).

Text search uses the database's own engine over the member's name, position, expertise,
languages and country code: the FTS5 table `member_fts` on SQLite, the GIN-indexed tsvector
expression MEMBER_TSVECTOR on PostgreSQL (both made by migration core_0002). Organisation and
country names live in small reference tables and are matched in Python. Every word the user
typed must match somewhere, as a prefix, so results narrow as they type. User input never
reaches the query syntax: words are reduced to letters and digits and quoted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import contains_eager
from sqlalchemy.sql.elements import ColumnElement

from intranet.extensions import db
from intranet.models import Country, Organisation, User

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
WORD = re.compile(r"[^\W_]+")
# Must stay identical (up to table qualification) to the index expression in core_0002.
MEMBER_TSVECTOR = sa.literal_column(
    "to_tsvector('simple'::regconfig, coalesce(user_account.name, '') || ' ' "
    "|| coalesce(user_account.position, '') || ' ' || coalesce(user_account.expertise, '') "
    "|| ' ' || coalesce(user_account.languages, '') || ' ' "
    "|| coalesce(user_account.country_code, ''))"
)
SORTS = {
    "name": "Name",
    "country": "Country",
    "organisation": "Organisation",
}
DIRECTORY_ROLES = ("member", "secretariat", "admin")


def search_terms(query: str | None) -> list[str]:
    """The words of a query, lower-cased, without any character a search syntax could use."""
    words = WORD.findall((query or "").casefold())
    return [word[:MAX_TERM_LENGTH] for word in words[:MAX_TERMS]]


def fold(text: str) -> str:
    """Lower case without accents, so "lodz" finds "Łódź" in reference data."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("ł", "l")


def words_start_with(text: str, term: str) -> bool:
    folded = fold(term)
    return any(word.startswith(folded) for word in WORD.findall(fold(text)))


def _fulltext_match(term: str, index: int) -> ColumnElement[bool]:
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
    return User.id.in_(matching)


def country_names() -> dict[str, str]:
    """Country names by code, read once per request (a search asks for them more than once)."""
    if "country_names" not in g:
        g.country_names = dict(db.session.execute(sa.select(Country.code, Country.name)).all())
    return g.country_names


def text_condition(terms: list[str]) -> ColumnElement[bool]:
    """Every term matches the member's own text, organisation name or country name."""
    organisations = db.session.execute(sa.select(Organisation.id, Organisation.name)).all()
    countries = country_names().items()
    conditions = []
    for index, term in enumerate(terms):
        organisation_ids = [id_ for id_, name in organisations if words_start_with(name, term)]
        country_codes = [code for code, name in countries if words_start_with(name, term)]
        # Alternatives only when some organisation or country matches: an always-false
        # `IN ()` in the OR keeps the planner from driving the query from the full-text index.
        alternatives = [_fulltext_match(term, index)]
        if organisation_ids:
            alternatives.append(User.organisation_id.in_(organisation_ids))
        if country_codes:
            alternatives.append(User.country_code.in_(country_codes))
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

    def statement(self) -> sa.Select[tuple[User]]:
        """Active members (never guests) matching the filter, organisations loaded with them."""
        statement = (
            sa.select(User)
            .outerjoin(User.organisation)
            .options(contains_eager(User.organisation))
            .where(User.is_active_account.is_(True), User.role.in_(DIRECTORY_ROLES))
        )
        terms = search_terms(self.q)
        if terms:
            statement = statement.where(text_condition(terms))
        if self.country:
            statement = statement.where(User.country_code == self.country)
        if self.kind:
            statement = statement.where(Organisation.kind == self.kind)
        if self.role:
            statement = statement.where(User.role == self.role)
        order = {
            "name": [User.name],
            "country": [User.country_code, User.name],
            "organisation": [Organisation.name, User.name],
        }[self.sort]
        return statement.order_by(*[sa.nulls_last(column.asc()) for column in order], User.id)


def count(statement: sa.Select[tuple[User]]) -> int:
    subquery = statement.order_by(None).options().with_only_columns(User.id).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(subquery)) or 0
