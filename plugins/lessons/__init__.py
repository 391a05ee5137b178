"""Lessons learned: exchange of lessons, practices and existing initiatives."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

from intranet.plugin_api import hookimpl
from plugins.lessons import models  # noqa: F401 - registers the tables
from plugins.lessons.views import bp


@hookimpl
def intranet_blueprints() -> list[Blueprint]:
    return [bp]


@hookimpl
def intranet_migrations() -> str:
    return str(Path(__file__).parent / "migrations" / "versions")
