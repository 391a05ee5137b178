"""Head counts of the accounts, kept per worker until the accounts they count change.

Counted on every view, they read all 150,000 accounts at N=10 (35-75 ms a page). They follow
the directory's data stamp (`listing.STAMP`: countries, organisations, roles, active accounts,
new and removed accounts), so a sign-in or a changed phone number counts nothing again. The
pages load the few countries or organisations themselves and look their counts up here.
"""

from __future__ import annotations

import sqlalchemy as sa

from intranet.access import MEMBERS
from intranet.extensions import db
from intranet.models import User
from intranet.platform import stamps

from .listing import STAMP

# What the staff's account list filters on: counts of it are kept until one of these changes.
ACCOUNTS = "accounts"
stamps.watch(ACCOUNTS, User.name, User.email, User.role, User.is_active_account)


def _grouped(key: str, column: sa.ColumnElement, *where: sa.ColumnElement[bool]) -> dict:
    statement = sa.select(column, sa.func.count()).where(*where).group_by(column)
    return stamps.cached(STAMP, key, lambda: dict(db.session.execute(statement).all()))


def delegation_sizes() -> dict[str, int]:
    """Active members (never guests) per country code."""
    members = (User.is_active_account.is_(True), User.role.in_(MEMBERS))
    return _grouped("delegation-sizes", User.country_code, *members)


def accounts_per_country() -> dict[str, int]:
    """Accounts of any kind per country code."""
    return _grouped("accounts-per-country", User.country_code)


def accounts_per_organisation() -> dict[int, int]:
    """Accounts of any kind per organisation id."""
    return _grouped("accounts-per-organisation", User.organisation_id)


def active_accounts() -> int:
    """Accounts that may sign in."""
    active = sa.select(sa.func.count()).where(User.is_active_account.is_(True))
    return stamps.cached(STAMP, "active-accounts", lambda: db.session.scalar(active) or 0)


def accounts_matching(key: str, statement: sa.Select) -> int:
    """How many accounts `statement` (the staff's list for the filter `key`) selects."""
    counted = sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
    return stamps.cached(ACCOUNTS, key, lambda: db.session.scalar(counted) or 0)
