"""Autogenerate on SQLite sees the database as it is (imported by env.py, which registers it).

`flask db check` compares the models with the database; on SQLite it reported a foreign key
the database has as missing, because SQLAlchemy reflects names and ON DELETE rules only from
table-level foreign keys, and core_0002 adds `user_account.organisation_id` with a column-level
one (ALTER TABLE cannot add a table-level one).
"""

from __future__ import annotations

import re
from typing import Any

from alembic.ddl.sqlite import SQLiteImpl

# "organisation_id INTEGER CONSTRAINT fk_... REFERENCES organisation (id) ON DELETE SET NULL"
COLUMN_FOREIGN_KEY = re.compile(
    r'(?:^|[(,])\s*"?(\w+)"?[^,(]*?\bCONSTRAINT\s+"?(\w+)"?\s+REFERENCES\s+"?(\w+)"?\s*\([^)]*\)'
    r"((?:\s+ON\s+(?:DELETE|UPDATE)\s+(?:SET\s+NULL|SET\s+DEFAULT|CASCADE|RESTRICT|NO\s+ACTION))*)",
    re.IGNORECASE,
)
FOREIGN_KEY_ACTION = re.compile(
    r"ON\s+(DELETE|UPDATE)\s+(SET\s+NULL|SET\s+DEFAULT|CASCADE|RESTRICT|NO\s+ACTION)",
    re.IGNORECASE,
)


class IntranetSQLiteImpl(SQLiteImpl):
    """Alembic's SQLite support, plus the names and ON DELETE/UPDATE rules of column-level
    foreign keys, read from the table's own CREATE statement."""

    __dialect__ = "sqlite"

    def correct_for_autogen_foreignkeys(self, conn_fks: set[Any], metadata_fks: set[Any]) -> None:
        super().correct_for_autogen_foreignkeys(conn_fks, metadata_fks)
        for fk in conn_fks:
            if fk.name is None and len(fk.column_keys) == 1:
                _complete(fk, self.connection)


def _complete(fk: Any, connection: Any) -> None:
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (fk.table.name,)
    ).scalar()
    for match in COLUMN_FOREIGN_KEY.finditer(sql or ""):
        column, name, referred, actions = match.groups()
        if column == fk.column_keys[0] and referred == fk.referred_table.name:
            fk.name = name
            for event, action in FOREIGN_KEY_ACTION.findall(actions):
                setattr(fk, f"on{event.lower()}", " ".join(action.upper().split()))
