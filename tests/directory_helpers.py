"""Helpers for the directory tests: organisations and experts with profiles."""

from __future__ import annotations

from intranet.extensions import db
from intranet.models import Organisation


def organisation(
    name: str, kind: str = "ministry", country_code: str | None = "SE"
) -> Organisation:
    found = Organisation(name=name, kind=kind, country_code=country_code)
    db.session.add(found)
    db.session.commit()
    return found
