"""Demo data: the accounts of a small task force, then each enabled plugin's own demo data."""

from __future__ import annotations

from contextlib import nullcontext

from flask import has_request_context
from sqlalchemy import select

from intranet.accounts import security
from intranet.directory.demo import create_directory_demo
from intranet.extensions import db
from intranet.models import ROLES, User
from intranet.platform import plugins
from intranet.web import site_request

DEMO_PASSWORD = "Baltic-Sea-Demo-2026"  # noqa: S105 - printed for the demo on purpose
DEMO_DOMAIN = "demo.example"

# (key, name, role, country): people invented for the demo.
DEMO_PEOPLE = [
    ("admin", "Alex Administrator", "admin", None),
    ("secretariat", "Sofia Lindqvist", "secretariat", "SE"),
    ("secretariat2", "Jonas Berzins", "secretariat", "LV"),
    ("member_dk", "Mette Kjaergaard", "member", "DK"),
    ("member_ee", "Kadri Tamm", "member", "EE"),
    ("member_fi", "Aino Virtanen", "member", "FI"),
    ("member_de", "Lukas Hoffmann", "member", "DE"),
    ("member_is", "Gudrun Einarsdottir", "member", "IS"),
    ("member_lv", "Ilze Ozola", "member", "LV"),
    ("member_lt", "Tomas Kazlauskas", "member", "LT"),
    ("member_no", "Ingrid Haugen", "member", "NO"),
    ("member_pl", "Katarzyna Nowak", "member", "PL"),
    ("member_se", "Erik Johansson", "member", "SE"),
    ("member_eu", "Claire Dubois", "member", "EU"),
]


def demo_email(key: str) -> str:
    return f"{key.replace('_', '.')}@{DEMO_DOMAIN}"


def create_demo_data() -> bool:
    """Create the demo accounts and plugin data once; False when they exist already."""
    if db.session.scalar(select(User.id).where(User.email == demo_email("admin"))):
        return False
    password_hash = security.hash_password(DEMO_PASSWORD)
    users: dict[str, User] = {}
    for key, name, role, country in DEMO_PEOPLE:
        user = User(
            email=demo_email(key),
            name=name,
            role=role,
            country_code=country,
            password_hash=password_hash,
        )
        db.session.add(user)
        users[key] = user
    create_directory_demo(users, password_hash)
    db.session.commit()
    # Plugins build links (url_for) in their demo data: outside a request (a test, a script)
    # they get one on INTRANET_BASE_URL, as the command line gives them.
    with nullcontext() if has_request_context() else site_request():
        plugins.enabled_hook("intranet_demo_data")(users=users)
    db.session.commit()
    return True


def demo_logins(shown_per_role: int = 3) -> list[tuple[str, list[str], int]]:
    """(role, a few demo emails, how many more) for each role, for the CLI to print."""
    logins = []
    for role in ROLES:
        emails = db.session.scalars(
            select(User.email)
            .where(
                User.role == role,
                User.is_active_account.is_(True),
                User.email.like(f"%@{DEMO_DOMAIN}"),
            )
            .order_by(User.id)
        ).all()
        if emails:
            logins.append((role, emails[:shown_per_role], len(emails) - shown_per_role))
    return logins
