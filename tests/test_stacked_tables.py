"""Tables that stack on phones keep their column labels: each cell carries its heading."""

from __future__ import annotations

import re

from intranet.platform.tables import label_cells, labelled_tables


def test_every_cell_of_the_directory_names_its_column(client, signed_in, make_user):
    signed_in("member")
    make_user("member", name="Liga Berzina", country_code="LV")
    page = client.get("/directory").get_data(as_text=True)
    row = re.search(
        r"<tr>\s*<td[^>]*>(?:(?!</tr>).)*?<a[^>]*>Liga Berzina.*?</tr>", page, re.S
    ).group(0)
    labels = re.findall(r'<td data-label="([^"]*)"', row)
    assert labels == ["Name", "Organisation and position", "Country", "Expertise"]


def test_labels_follow_column_spans_escape_headings_and_keep_a_cell_own_label():
    table = (
        b'<table class="table"><thead><tr><th>Who &amp; where</th><th>When</th><th>What</th>'
        b'<th>Notes</th></tr></thead><tbody><tr><td colspan="2">Riga, 3 May</td>'
        b'<td data-label="Topic">Plenary</td><td>Hybrid</td></tr></tbody></table>'
    )
    labelled = label_cells(table)
    assert b'<td data-label="Who &amp; where" colspan="2">' in labelled
    assert b'<td data-label="Topic">Plenary' in labelled
    assert b'<td data-label="Notes">Hybrid' in labelled
    assert labelled.count(b"data-label=") == 3


def test_only_stacked_tables_are_labelled_row_headings_included():
    page = (
        b'<table class="tablex"><thead><tr><th>A</th></tr></thead><tr><td>1</td></tr></table>'
        b"<table><thead><tr><th>A</th></tr></thead><tr><td>2</td></tr></table>"
        b'<table class="wide table"><thead><tr><th>Country</th><th>Lessons</th></tr></thead>'
        b'<tbody><tr><th scope="row">Latvia</th><td>3</td></tr>'
        b"<tr><td>Estonia</td><td>4</td></tr></tbody></table><p>after</p>"
    )
    labelled = labelled_tables(page)
    assert labelled.count(b"data-label=") == 4
    assert b'<th data-label="Country" scope="row">Latvia' in labelled
    assert b'<td data-label="Lessons">4</td>' in labelled
    assert labelled.startswith(page[: page.index(b'<table class="wide')])
    assert labelled.endswith(b"</table><p>after</p>")
