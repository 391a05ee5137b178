"""A report stays a report at any size: a long table shows its first rows and says how many
more there are, on the page, in the Markdown and in the PDF alike."""

from __future__ import annotations

import io

from pypdf import PdfReader

from intranet.extensions import db
from intranet_example import ExampleNote
from tests.plugins.governance.test_reports import create_report


def test_a_long_table_shows_its_first_rows_and_says_how_many_more(client, secretariat):
    db.session.add_all(
        ExampleNote(text=f"Toolkit number {n}", author_id=secretariat.id) for n in range(1, 30)
    )
    report = create_report(client, secretariat)  # and a thirtieth note, last
    page = client.get(f"/governance/reports/{report.id}").get_data(as_text=True)
    markdown = client.get(f"/governance/reports/{report.id}.md").get_data(as_text=True)
    pdf_data = client.get(f"/governance/reports/{report.id}.pdf").data
    pdf = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_data)).pages)

    assert "30 notes." in page and "30 notes." in markdown and "30 notes." in pdf
    for text in (page, markdown, pdf):
        assert "Toolkit number 20" in text
        assert "Toolkit number 21" not in text  # the 21st row of the table
        assert "And 10 more, not shown here." in " ".join(text.split())
