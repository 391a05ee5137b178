"""Cached figures shared by every worker and host through the database.

A worker that has counted figures under a stamp (see `intranet.platform.stamps`) leaves them in
`shared_figure`, so the other workers, the other hosts and a worker started later read them in
one small query instead of counting a million lessons again: after a change the figures are
counted once, not once per worker.

Values are stored as JSON with tags for what JSON lacks (tuples, dicts with other keys than
strings, dates, Markup and dataclasses). A dataclass is rebuilt only if its module is already
imported and it is a dataclass, so nothing read from the database decides what code runs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from datetime import date, datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import String, Text, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from intranet.extensions import db
from intranet.models import UTCDateTime

MISSING = object()


class SharedFigure(db.Model):
    """The figures of one key of a stamp name, as counted under `stamp`."""

    __tablename__ = "shared_figure"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32))
    until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    value: Mapped[str] = mapped_column(Text)


class Unshareable(TypeError):
    """A value of a type the encoding does not know: it stays in the worker's own cache."""


def encode(value: Any) -> Any:
    """`value` as JSON-able data that `decode` turns back into an equal value."""
    kind = type(value)
    if value is None or kind in (str, int, float, bool):
        return value
    if kind is list:
        return [encode(item) for item in value]
    if kind is tuple:
        return {"t": [encode(item) for item in value]}
    if kind is dict:
        return {"d": [[encode(key), encode(item)] for key, item in value.items()]}
    if kind is Markup:
        return {"m": str(value)}
    if kind is datetime:
        return {"dt": value.isoformat()}
    if kind is date:
        return {"da": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"c": f"{kind.__module__}:{kind.__qualname__}", "f": fields}
    raise Unshareable(f"cannot share a {kind.__name__}")


def decode(data: Any) -> Any:
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    if "t" in data:
        return tuple(decode(item) for item in data["t"])
    if "d" in data:
        return {_hashable(decode(key)): decode(item) for key, item in data["d"]}
    if "m" in data:
        return Markup(data["m"])  # noqa: S704 - written as Markup by this module
    if "dt" in data:
        return datetime.fromisoformat(data["dt"])
    if "da" in data:
        return date.fromisoformat(data["da"])
    module, _, qualname = data["c"].partition(":")
    cls: Any = sys.modules.get(module)
    for part in qualname.split("."):
        cls = getattr(cls, part, None)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise Unshareable(f"no dataclass {data['c']} in this worker")
    fields = {name: decode(item) for name, item in data["f"].items()}
    made = cls(**{f.name: fields[f.name] for f in dataclasses.fields(cls) if f.init})
    for f in dataclasses.fields(cls):
        if not f.init:
            object.__setattr__(made, f.name, fields[f.name])
    return made


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def load(name: str, key: str, stamp: str, now: datetime) -> tuple[Any, datetime | None]:
    """The figures of (name, key) as counted under `stamp` and still holding at `now`, with
    until when they hold; (MISSING, None) if no worker left them."""
    row = db.session.execute(
        select(SharedFigure.stamp, SharedFigure.until, SharedFigure.value).where(
            SharedFigure.name == name, SharedFigure.key_hash == key_hash(key)
        )
    ).first()
    if row is None or row.stamp != stamp or (row.until is not None and row.until <= now):
        return MISSING, None
    try:
        return decode(json.loads(row.value)), row.until
    except (Unshareable, KeyError, TypeError, ValueError):
        return MISSING, None  # written by another version of the code: count again


def store(name: str, key: str, stamp: str, until: datetime | None, value: Any) -> None:
    """Leave the figures for the other workers, in a transaction of their own (committed
    whatever becomes of the request's). Raises Unshareable for a value it cannot encode."""
    text = json.dumps(encode(value), separators=(",", ":"))
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(SharedFigure).values(
        name=name, key_hash=key_hash(key), stamp=stamp, until=until, value=text
    )
    with db.engine.begin() as connection:
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[SharedFigure.name, SharedFigure.key_hash],
                set_={
                    "stamp": statement.excluded.stamp,
                    "until": statement.excluded.until,
                    "value": statement.excluded.value,
                },
            )
        )
