"""Meetings: plenaries and workshops with agendas, participants, minutes and action items."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

from intranet.plugin_api import hookimpl
from plugins.meetings import models  # noqa: F401  (registers the tables)


@hookimpl
def intranet_blueprints() -> list[Blueprint]:
    return []


@hookimpl
def intranet_migrations() -> str:
    return str(Path(__file__).parent / "migrations" / "versions")
