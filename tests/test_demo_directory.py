"""The demo fills the directory realistically, once."""

from __future__ import annotations

import sqlalchemy as sa

from intranet.extensions import db
from intranet.models import User
from intranet.platform.demo import create_demo_data


def test_demo_gives_every_delegation_experts_with_profiles_and_runs_once(app):
    assert create_demo_data() is True
    experts = db.session.scalars(sa.select(User).where(User.role == "member")).all()
    assert len(experts) >= 55
    assert {e.country_code for e in experts} >= {
        "DK",
        "EE",
        "FI",
        "DE",
        "IS",
        "LV",
        "LT",
        "NO",
        "PL",
        "SE",
        "EU",
    }
    assert all(e.organisation_id and e.position and e.expertise for e in experts)
    assert create_demo_data() is False
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.role == "member")) == len(
        experts
    )
