"""The expected access of the example plugin's routes, for the core's authorization matrix.

The example plugin stands for a third party's, installed with pip: its rows live beside it, as
any plugin's do.
"""

from __future__ import annotations

from intranet.testing_access import EVERY_USER, GRANTED, MEMBERS_ONLY, Case, case

TABLE: dict[str, Case | list[Case]] = {
    "example.index": case(MEMBERS_ONLY),
    "example.show": case(GRANTED),
    "example.widget": case(EVERY_USER),
}
