"""Demo data: chairmanship years 2006-2027, the first mandate and a prolongation, two
revisions of the objectives and one submitted activity report."""

from __future__ import annotations

from datetime import date

from intranet.plugin_api import User, db

from . import documents, reports
from .chairmanship import chair_year
from .models import ChairPeriod, MandatePeriod, Report

# The chairing country of each year starting on 1 July, following the CBSS presidency.
CHAIRS = [
    (2006, "SE"), (2007, "LV"), (2008, "DK"), (2009, "LT"), (2010, "NO"), (2011, "DE"),
    (2012, "IS"), (2013, "FI"), (2014, "EE"), (2015, "PL"), (2016, "SE"), (2017, "IS"),
    (2018, "DK"), (2019, "LV"), (2020, "LT"), (2021, "NO"), (2022, "DE"), (2023, "FI"),
    (2024, "EE"), (2025, "PL"), (2026, "SE"),
]  # fmt: skip

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


def create_demo_data(users: dict[str, User]) -> None:
    for year, country in CHAIRS:
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
    db.session.add_all(
        [
            MandatePeriod(
                start=date(2006, 7, 1),
                end=date(2007, 12, 31),
                decision_reference="CBSS 14th Ministerial Session, Reykjavik",
                decision_date=date(2006, 6, 8),
                decision_text="The task force is established with a mandate until 31 December "
                "2007.",
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
    )
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
    start, end = chair_year(2024)
    report = Report(
        title="Activity report 2024-2025",
        start=start,
        end=end,
        introduction="This report covers the chairmanship of Estonia from 1 July 2024 to "
        "30 June 2025.",
        conclusions="The task force recommends continuing the exchange of best practices.",
        created_by=users["secretariat"],
    )
    db.session.add(report)
    reports.submit(report, users["secretariat"])
