"""The activity report: sections gathered from every enabled plugin, Markdown and PDF output."""

from __future__ import annotations

import dataclasses
import importlib.resources
import logging
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from intranet.plugin_api import (
    REPORT_ROWS,
    ReportSection,
    User,
    collect,
    country_name,
    db,
    external_url,
    plural,
    utcnow,
)

from . import chairmanship, documents
from .models import ChairPeriod, MandatePeriod, Report, Revision

if TYPE_CHECKING:
    from fpdf import FPDF


def gather_sections(start: date, end: date, user: User) -> list[ReportSection]:
    """Every enabled plugin's sections for start..end (this plugin's own come the same way)."""
    return collect("intranet_report_sections", start=start, end=end, user=user)


def has_content(section: ReportSection) -> bool:
    """A table with headers but no rows says nothing: such a section is left out of the report."""
    return bool(section.rows) or bool(section.more) or not section.headers


def bounded(section: ReportSection) -> ReportSection:
    """At most REPORT_ROWS rows of a table (a plugin's that gives more, or a report frozen
    before sections were bounded): the others are counted in `more`, never dropped silently."""
    if len(section.rows) <= REPORT_ROWS:
        return section
    return dataclasses.replace(
        section,
        rows=section.rows[:REPORT_ROWS],
        more=section.more + len(section.rows) - REPORT_ROWS,
    )


def sections_of(report: Report, user: User) -> list[ReportSection]:
    """The frozen sections of a submitted report, or the live ones of a draft; empty tables
    are left out (a report for a committee lists what happened, not every possible heading),
    long ones cut to their first rows with a word on the rest."""
    if report.snapshot is not None:
        sections = [ReportSection(**section) for section in report.snapshot]
    else:
        sections = gather_sections(report.start, report.end, user)
    return [bounded(section) for section in sections if has_content(section)]


def more_text(section: ReportSection) -> str:
    """What a table left out, for the Markdown and the PDF (the page links it instead)."""
    if not section.more:
        return ""
    where = f": see the full list at {absolute(section.more_url)}" if section.more_url else ""
    return f"And {section.more} more, not shown here{where}."


def absolute(url: str) -> str:
    """A link as a reader of a download follows it: under INTRANET_BASE_URL."""
    return url if "://" in url else current_app.config["BASE_URL"] + url


def submit(report: Report, user: User) -> None:
    """Freeze the report: from now on its sections no longer follow the data."""
    sections = gather_sections(report.start, report.end, user)
    report.snapshot = [dataclasses.asdict(section) for section in sections]
    report.submitted_at = utcnow()
    report.submitted_by = user


def long_date(day: date) -> str:
    """1 July 2025, as a report writes a date (no leading zero)."""
    return f"{day.day} {day:%B %Y}"


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Report, sections: list[ReportSection]) -> str:
    lines = [
        f"# {report.title}",
        "",
        f"Period: {long_date(report.start)} to {long_date(report.end)}",
    ]
    if report.introduction.strip():
        lines += ["", "## Introduction", "", report.introduction.strip()]
    for section in sections:
        lines += ["", f"## {section.title}"]
        if section.summary:
            lines += ["", section.summary]
        if section.headers:
            lines += ["", "| " + " | ".join(_cell(h) for h in section.headers) + " |"]
            lines.append("|" + " --- |" * len(section.headers))
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in section.rows]
        if section.more:
            lines += ["", more_text(section)]
    if report.conclusions.strip():
        lines += ["", "## Conclusions", "", report.conclusions.strip()]
    return "\n".join(lines) + "\n"


# Source Sans Pro (from the font-source-sans-pro package) covers the member states' letters
# (ė, ł, ð, õ, ...), Cyrillic and Greek, which the PDF's built-in fonts (Latin-1) cannot show.
FONT = "SourceSansPro"
FONT_FILES = importlib.resources.files("font_source_sans_pro") / "files"


def _unicode_pdf() -> FPDF:
    # Imported here: fpdf takes about as long to import as the rest of the app to start, and
    # only the PDF download needs it.
    from fpdf import FPDF

    # Subsetting the font logs every glyph table at INFO: dozens of lines per download.
    logging.getLogger("fontTools").setLevel(logging.WARNING)

    pdf = FPDF(format="A4")
    pdf.add_font(FONT, "", str(FONT_FILES / "SourceSansPro-Regular.ttf"))
    pdf.add_font(FONT, "B", str(FONT_FILES / "SourceSansPro-Bold.ttf"))
    return pdf


def to_pdf(report: Report, sections: list[ReportSection]) -> bytes:
    from fpdf.fonts import FontFace

    pdf = _unicode_pdf()
    pdf.set_title(report.title)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    def heading(text: str, size: int) -> None:
        pdf.set_font(FONT, "B", size)
        pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    def paragraph(text: str) -> None:
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)

    heading(report.title, 18)
    paragraph(f"Period: {long_date(report.start)} to {long_date(report.end)}")
    if report.introduction.strip():
        heading("Introduction", 14)
        paragraph(report.introduction.strip())
    for section in sections:
        # A heading never ends a page: it starts the next one when its summary and the first
        # rows of its table would not fit below it.
        table_start = 8 * (1 + min(len(section.rows), 2)) if section.rows else 0
        if pdf.will_page_break(12 + 6 * bool(section.summary) + table_start):
            pdf.add_page()
        heading(section.title, 14)
        if section.summary:
            paragraph(section.summary)
        if section.headers and section.rows:
            pdf.set_font(FONT, "", 9)
            with pdf.table(headings_style=FontFace(emphasis="BOLD"), text_align="LEFT") as table:
                for row in [section.headers, *section.rows]:
                    cells = table.row()
                    for value in row:
                        cells.cell(str(value))
            pdf.ln(4)
        if section.more:
            paragraph(more_text(section))
    if report.conclusions.strip():
        heading("Conclusions", 14)
        paragraph(report.conclusions.strip())
    return bytes(pdf.output())


def governance_sections(start: date, end: date, user: User) -> list[ReportSection]:
    """Chairmanships, mandates and adopted revisions of the reporting period."""
    periods = (
        db.session.scalars(
            select(ChairPeriod)
            .where(ChairPeriod.start <= end, ChairPeriod.end >= start)
            .options(joinedload(ChairPeriod.chairpersons))
            .order_by(ChairPeriod.start)
        )
        .unique()
        .all()
    )
    mandates = db.session.scalars(
        select(MandatePeriod)
        .where(MandatePeriod.start <= end, MandatePeriod.end >= start)
        .order_by(MandatePeriod.start)
    ).all()
    first = datetime.combine(start, time.min, tzinfo=UTC)
    after = datetime.combine(end, time.max, tzinfo=UTC)
    adopted = db.session.execute(
        select(Revision, func.count().over())
        .where(Revision.created_at >= first, Revision.created_at <= after)
        .order_by(Revision.created_at, Revision.id)
        .limit(REPORT_ROWS)
    ).all()
    revisions = [revision for revision, _ in adopted]
    total = adopted[0][1] if adopted else 0
    return [
        ReportSection(
            "Chairmanship",
            f"{plural(len(periods), 'chairmanship period')} in the reporting period.",
            ["Country", "From", "To", "Chairpersons"],
            [
                [
                    country_name(p.country_code),
                    f"{p.start:%d %b %Y}",
                    f"{p.end:%d %b %Y}",
                    chairmanship.names(p.chairpersons),
                ]
                for p in periods
            ],
            order=10,
        ),
        ReportSection(
            "Mandate",
            "The mandate periods in force during the reporting period.",
            ["From", "To", "Decision"],
            [[f"{m.start:%d %b %Y}", f"{m.end:%d %b %Y}", m.decision_reference] for m in mandates],
            order=11,
        ),
        ReportSection(
            "Objectives and methods of work",
            f"{plural(total, 'revision')} adopted in the reporting period.",
            ["Document", "Revision", "Date", "Author", "Reason"],
            [
                [
                    documents.DOCUMENTS.get(r.document, r.document),
                    str(r.number),
                    f"{r.created_at:%d %b %Y}",
                    r.author.name if r.author else "",
                    r.reason,
                ]
                for r in revisions
            ],
            order=12,
            more=total - len(revisions),
            more_url=external_url("governance.index"),
        ),
    ]
