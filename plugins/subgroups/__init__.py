"""Sub-groups: temporary working groups with members, a mandate and a discussion board."""

from __future__ import annotations

from pathlib import Path

from intranet.plugin_api import hookimpl
from plugins.subgroups import models  # noqa: F401 - registers the tables


@hookimpl
def intranet_migrations() -> str:
    return str(Path(__file__).parent / "migrations" / "versions")
