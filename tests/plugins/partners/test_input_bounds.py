"""Every single-line input refuses line breaks, and every integer parameter is bounded."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from intranet.extensions import db
from intranet_partners.models import Invitation
from tests.plugins.partners.test_bulk_and_overview import bulk_data

BROKEN_ROWS = (
    '"Nora\r\nBcc: everyone@example.org",nora@ngo.example,Baltic NGO Network,ngo\n'
    'Omar Other,omar@un.example,"IOM\rNew York",un\n'
    "Astrid Nilsen,astrid@norden.example,Nordic Council of Ministers,nordic_council\n"
)
SINGLE_LINE = "Use a single line here: line breaks are not allowed."


def test_a_pasted_row_with_a_line_break_inside_a_cell_is_refused(client, secretariat, notes):
    client.login(secretariat.email)
    preview = client.submit("/partners/bulk", bulk_data(notes[0].id, rows=BROKEN_ROWS))
    assert preview.get_data(as_text=True).count(SINGLE_LINE) == 2
    assert "1 of 3 rows is ready" in preview.get_data(as_text=True)

    client.submit("/partners/bulk", bulk_data(notes[0].id, rows=BROKEN_ROWS, step="send"))
    assert db.session.scalars(select(Invitation.email)).all() == ["astrid@norden.example"]


def test_a_csv_line_with_a_line_break_inside_a_cell_is_refused(client, secretariat, notes):
    client.login(secretariat.email)
    upload = (io.BytesIO(BROKEN_ROWS.encode("utf-8")), "people.csv")
    client.submit(
        "/partners/bulk",
        bulk_data(notes[0].id, rows="", upload=upload, step="send"),
        content_type="multipart/form-data",
    )
    assert db.session.scalars(select(Invitation.email)).all() == ["astrid@norden.example"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/partners/?page=99999999999999999999", 200),
        ("get", "/partners/?page=-5", 200),
        ("get", "/partners/guests/99999999999999999999", 404),
        ("get", "/partners/guests/99999999999999999999/access", 404),
        ("post", "/partners/invitations/99999999999999999999/resend", 404),
        ("post", "/partners/guests/1/grants/99999999999999999999/remove", 404),
    ],
)
def test_huge_numbers_in_paths_and_queries_answer_cleanly(
    client, secretariat, method, path, status
):
    client.login(secretariat.email)
    response = client.get(path) if method == "get" else client.submit(path)
    assert response.status_code == status
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
