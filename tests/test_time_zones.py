"""Time zones are looked up once per process (intranet.zones): zoneinfo keeps only the last
eight zones used, so a page showing meetings in ten zones read zone files on every view."""

from __future__ import annotations

import gc
import re
import weakref

from intranet.zones import known_zone, time_zone
from tests.test_layering import modules

ZONES = [
    "Europe/Riga",
    "Europe/Vilnius",
    "Europe/Tallinn",
    "Europe/Helsinki",
    "Europe/Stockholm",
    "Europe/Oslo",
    "Europe/Copenhagen",
    "Europe/Berlin",
    "Europe/Warsaw",
    "Atlantic/Reykjavik",
    "Europe/Brussels",
    "Europe/London",
]


def test_a_zone_stays_loaded_however_many_zones_are_shown():
    kept = weakref.ref(time_zone("Europe/Riga"))
    for _ in range(3):
        for name in reversed(ZONES):
            time_zone(name).utcoffset(None)
    gc.collect()
    assert kept() is not None
    assert time_zone("Europe/Riga") is kept()


def test_an_empty_or_unknown_name_gives_the_fallback():
    assert time_zone(None) is time_zone("UTC")
    assert time_zone("") is time_zone("UTC")
    assert time_zone("Mars/Olympus_Mons", "Europe/Stockholm") is time_zone("Europe/Stockholm")
    assert time_zone("../../etc/passwd") is time_zone("UTC")
    assert known_zone("Mars/Olympus_Mons") is None
    assert str(known_zone("Europe/Riga")) == "Europe/Riga"


def test_only_intranet_zones_loads_a_zone():
    loading = re.compile(r"\bZoneInfo\(")
    offenders = [
        name
        for name, path in modules().items()
        if name != "intranet.zones" and loading.search(path.read_text())
    ]
    assert offenders == []
