"""Stacked tables keep their column labels on phones.

On narrow screens a `<table class="table">` stacks each row into a block (static/css/app.css),
so its header row is hidden. Every HTML response gets `data-label="<column heading>"` on the
cells of such tables, and the stylesheet shows that label before each value. Done once here,
for the core's and every plugin's templates alike, instead of repeating each heading on every
cell by hand; a cell that carries its own `data-label` keeps it.
"""

from __future__ import annotations

import re
from html import escape, unescape

from flask import Flask, Response

STACKED_TABLE = re.compile(
    rb"<table\b[^>]*\bclass=\"(?:[^\"]*\s)?table(?:\s[^\"]*)?\"[^>]*>.*?</table>", re.S
)
HEAD = re.compile(rb"<thead\b.*?</thead>", re.S)
HEADING = re.compile(rb"<th\b[^>]*>(.*?)</th>", re.S)
ROW = re.compile(rb"<tr\b[^>]*>.*?</tr>", re.S)
CELL = re.compile(rb"<t[dh]\b([^>]*)>")
SPAN = re.compile(rb"\bcolspan=\"?(\d+)")
TAG = re.compile(rb"<[^>]+>")


def _text(markup: bytes) -> str:
    return " ".join(unescape(TAG.sub(b" ", markup).decode()).split())


def _label_row(row: bytes, labels: list[str]) -> bytes:
    column = 0

    def labelled(cell: re.Match[bytes]) -> bytes:
        nonlocal column
        attributes = cell.group(1)
        label = labels[column] if column < len(labels) else ""
        span = SPAN.search(attributes)
        column += int(span.group(1)) if span else 1
        if not label or b"data-label=" in attributes:
            return cell.group(0)
        name = cell.group(0)[:3]
        return name + f' data-label="{escape(label)}"'.encode() + attributes + b">"

    return CELL.sub(labelled, row)


def label_cells(table: bytes) -> bytes:
    """`table` with each body cell labelled by the heading of its column."""
    head = HEAD.search(table)
    if head is None:
        return table
    labels = [_text(heading) for heading in HEADING.findall(head.group(0))]
    body = ROW.sub(lambda row: _label_row(row.group(0), labels), table[head.end() :])
    return table[: head.end()] + body


def labelled_tables(page: bytes) -> bytes:
    return STACKED_TABLE.sub(lambda table: label_cells(table.group(0)), page)


def init_app(app: Flask) -> None:
    @app.after_request
    def label_stacked_tables(response: Response) -> Response:
        if (
            response.mimetype == "text/html"
            and not response.direct_passthrough
            and not response.is_streamed
        ):
            page = response.get_data()
            if b"<table" in page:
                response.set_data(labelled_tables(page))
        return response
