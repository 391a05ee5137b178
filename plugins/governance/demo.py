"""Demo data: chairmanship years from 2006 to the year after today's, the first mandate and the
prolongations reaching past today, revisions of the objectives, the last chairmanship year's
submitted activity report and a draft of this year's.

Everything after the recorded history follows today's date, so the demo never runs out of
chairs or mandate however long after its writing it is installed."""

from __future__ import annotations

from datetime import date

from intranet.plugin_api import User, country_name, db, utcnow

from . import documents, reports
from .chairmanship import chair_year, next_countries, year_of
from .models import ChairPeriod, MandatePeriod, Report

# The chairing country of each year starting on 1 July, following the CBSS presidency; later
# years follow the rotation order of the plugin's settings.
CHAIRS = [
    (2006, "SE"), (2007, "LV"), (2008, "DK"), (2009, "LT"), (2010, "NO"), (2011, "DE"),
    (2012, "IS"), (2013, "FI"), (2014, "EE"), (2015, "PL"), (2016, "SE"), (2017, "IS"),
    (2018, "DK"), (2019, "LV"), (2020, "LT"), (2021, "NO"), (2022, "DE"), (2023, "FI"),
    (2024, "EE"), (2025, "PL"),
]  # fmt: skip

# After the first mandate and its prolongation, the mandate is prolonged every three years.
PROLONGATION_YEARS = 3

OBJECTIVES_1 = """The task force against trafficking in human beings works to:

- strengthen the cooperation of the member states against trafficking in human beings;
- exchange knowledge, results and best practices among experts;
- avoid duplicating work that already exists elsewhere.
"""

OBJECTIVES_2 = """The task force against trafficking in human beings works to:

- strengthen the cooperation of the member states against trafficking in human beings;
- exchange knowledge, results and best practices among experts and partners;
- support the identification and assistance of victims across borders;
- avoid duplicating work that already exists elsewhere.
"""


def chairs_until(last_year: int) -> list[tuple[int, str]]:
    """The recorded chairs, continued in the rotation order up to `last_year`."""
    chairs = [(year, country) for year, country in CHAIRS if year <= last_year]
    year, country = CHAIRS[-1]
    following = next_countries(country, max(0, last_year - year))
    return chairs + [(year + 1 + offset, code) for offset, code in enumerate(following)]


def mandates_until(day: date) -> list[MandatePeriod]:
    """The first mandate, its prolongation upon the final report, and three-year prolongations
    until one is in force on `day`."""
    mandates = [
        MandatePeriod(
            start=date(2006, 7, 1),
            end=date(2007, 12, 31),
            decision_reference="CBSS 14th Ministerial Session, Reykjavik",
            decision_date=date(2006, 6, 8),
            decision_text="The task force is established with a mandate until 31 December 2007.",
        ),
        MandatePeriod(
            start=date(2008, 1, 1),
            end=date(2010, 12, 31),
            is_prolongation=True,
            decision_reference="CSO decision upon the final report 2006-2007",
            decision_date=date(2007, 11, 20),
            decision_text="The Committee of Senior Officials prolongs the mandate upon the "
            "task force's final report.",
        ),
    ]
    while mandates[-1].end < day:
        start = date(mandates[-1].end.year + 1, 1, 1)
        end = date(start.year + PROLONGATION_YEARS - 1, 12, 31)
        mandates.append(
            MandatePeriod(
                start=start,
                end=end,
                is_prolongation=True,
                decision_reference=f"CSO decision upon the final report {start.year - 3}-"
                f"{start.year - 1}",
                decision_date=date(start.year - 1, 11, 20),
                decision_text=f"The Committee of Senior Officials prolongs the mandate until "
                f"31 December {end.year} upon the task force's final report.",
            )
        )
    return mandates


def create_demo_data(users: dict[str, User]) -> None:
    today = utcnow().date()
    this_year = year_of(today)
    for year, country in chairs_until(this_year + 1):
        start, end = chair_year(year)
        person = users.get(f"member_{country.lower()}")
        db.session.add(
            ChairPeriod(
                start=start,
                end=end,
                country_code=country,
                chairpersons=[person] if person else [],
            )
        )
    db.session.add_all(mandates_until(today))
    documents.add_revision(
        "objectives", OBJECTIVES_1, "Objectives agreed at the first meeting", users["secretariat"]
    )
    documents.add_revision(
        "objectives", OBJECTIVES_2, "Victim assistance added as insight grew", users["secretariat"]
    )
    documents.add_revision(
        "methods",
        "The task force meets at least twice a year; the chair and the secretariat prepare the "
        "meetings; sub-groups work on specific topics between meetings.",
        "Methods of work agreed at the first meeting",
        users["secretariat"],
    )
    db.session.flush()
    chairs = dict(chairs_until(this_year))
    for year, submitted in ((this_year - 1, True), (this_year, False)):
        start, end = chair_year(year)
        chair = country_name(chairs[year])
        report = Report(
            title=f"Activity report: Chairmanship of {chair} {year}-{year + 1}",
            start=start,
            end=end,
            introduction=f"This report covers the chairmanship of {chair} from "
            f"{start:%-d %B %Y} to {end:%-d %B %Y}.",
            conclusions="The task force recommends continuing the exchange of best practices."
            if submitted
            else "",
            created_by=users["secretariat"],
        )
        db.session.add(report)
        if submitted:
            reports.submit(report, users["secretariat"])
