"""Words people read: a count takes its noun in the right number ("1 meeting", "4 meetings")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from intranet.web import plural

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [
        (0, "meeting", "0 meetings"),
        (1, "meeting", "1 meeting"),
        (4, "meeting", "4 meetings"),
        (2, "activity", "2 activities"),
        (2, "day", "2 days"),
        (3, "match", "3 matches"),
        (2, "person", "2 people"),
    ],
)
def test_plural(count, noun, expected):
    assert plural(count, noun, "people" if noun == "person" else None) == expected


def test_no_page_mail_or_report_says_item_s():
    """ "4 meeting(s)" reads as a form nobody finished: every count uses plural()."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("intranet", "plugins")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".html", ".txt"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"[a-z]\(s\)", line)
    ]
    assert not offenders
