"""Demo data for the directory: organisations and about sixty invented experts.

Deterministic (no randomness), so the demo looks the same on every install.
"""

from __future__ import annotations

from itertools import cycle

from intranet.directory.listing import fold
from intranet.extensions import db
from intranet.models import Organisation, User

TIME_ZONES = {
    "DK": "Europe/Copenhagen",
    "EE": "Europe/Tallinn",
    "FI": "Europe/Helsinki",
    "DE": "Europe/Berlin",
    "IS": "Atlantic/Reykjavik",
    "LV": "Europe/Riga",
    "LT": "Europe/Vilnius",
    "NO": "Europe/Oslo",
    "PL": "Europe/Warsaw",
    "SE": "Europe/Stockholm",
    "EU": "Europe/Brussels",
}
LANGUAGES = {
    "DK": "Danish",
    "EE": "Estonian",
    "FI": "Finnish",
    "DE": "German",
    "IS": "Icelandic",
    "LV": "Latvian",
    "LT": "Lithuanian",
    "NO": "Norwegian",
    "PL": "Polish",
    "SE": "Swedish",
    "EU": "French",
}
# Per country: organisations (name, kind) and invented expert names.
COUNTRIES = {
    "DK": (
        [
            ("Ministry of Justice", "ministry"),
            ("Danish Centre against Human Trafficking", "authority"),
            ("National Police", "authority"),
        ],
        [
            "Mette Kjaergaard",
            "Rasmus Holm",
            "Sofie Lund",
            "Anders Bak",
            "Freja Dahl",
            "Jens Møller",
        ],
    ),
    "EE": (
        [
            ("Ministry of the Interior", "ministry"),
            ("Ministry of Social Affairs", "ministry"),
            ("Police and Border Guard Board", "authority"),
        ],
        ["Kadri Tamm", "Mart Kask", "Liis Saar", "Toomas Rebane", "Kristi Mets", "Priit Ilves"],
    ),
    "FI": (
        [
            ("Ministry of the Interior", "ministry"),
            ("National Police Board", "authority"),
            ("Occupational Safety and Health Administration", "authority"),
        ],
        [
            "Aino Virtanen",
            "Mikko Lahtinen",
            "Sanna Korhonen",
            "Juha Nieminen",
            "Elina Mäkelä",
            "Ville Heikkinen",
        ],
    ),
    "DE": (
        [
            ("Federal Ministry of the Interior", "ministry"),
            ("Federal Criminal Police Office", "authority"),
            ("KOK: German NGO Network against Trafficking", "ngo"),
        ],
        [
            "Lukas Hoffmann",
            "Anna Schröder",
            "Jonas Becker",
            "Miriam Krüger",
            "Felix Wagner",
            "Lea Hartmann",
        ],
    ),
    "IS": (
        [("Ministry of Justice", "ministry"), ("Directorate of Labour", "authority")],
        ["Gudrun Einarsdottir", "Bjarni Sigurdsson", "Helga Jonsdottir"],
    ),
    "LV": (
        [
            ("Ministry of the Interior", "ministry"),
            ("State Police", "authority"),
            ("Shelter \u201cSafe House\u201d", "ngo"),
        ],
        [
            "Ilze Ozola",
            "Janis Kalnins",
            "Laura Berzina",
            "Andris Liepa",
            "Dace Krumina",
            "Edgars Vitols",
        ],
    ),
    "LT": (
        [
            ("Ministry of the Interior", "ministry"),
            ("Prosecutor General's Office", "authority"),
            ("State Labour Inspectorate", "authority"),
        ],
        [
            "Tomas Kazlauskas",
            "Ruta Petrauskiene",
            "Mantas Jankauskas",
            "Egle Vasiliauskaite",
            "Darius Stankevicius",
        ],
    ),
    "NO": (
        [
            ("Ministry of Justice and Public Security", "ministry"),
            ("Norwegian Labour Inspection Authority", "authority"),
            ("National Criminal Investigation Service", "authority"),
        ],
        [
            "Ingrid Haugen",
            "Ola Nordmann",
            "Kari Berg",
            "Henrik Solberg",
            "Marit Lie",
            "Sindre Bakke",
        ],
    ),
    "PL": (
        [
            ("Ministry of the Interior and Administration", "ministry"),
            ("National Public Prosecutor's Office", "authority"),
            ("La Strada Foundation", "ngo"),
        ],
        [
            "Katarzyna Nowak",
            "Piotr Wiśniewski",
            "Agnieszka Wójcik",
            "Tomasz Kamiński",
            "Magdalena Lewandowska",
            "Paweł Zieliński",
        ],
    ),
    "SE": (
        [
            ("Ministry of Justice", "ministry"),
            ("Swedish Gender Equality Agency", "authority"),
            ("Swedish Police Authority", "authority"),
        ],
        [
            "Erik Johansson",
            "Anna Karlsson",
            "Lars Nilsson",
            "Maja Eriksson",
            "Oskar Larsson",
            "Karin Sjöberg",
        ],
    ),
    "EU": (
        [
            ("European Commission, Office of the EU Anti-Trafficking Coordinator", "eu"),
            ("Europol", "eu"),
        ],
        ["Claire Dubois", "Marco Rossi", "Elena García"],
    ),
}
INTERNATIONAL = [
    ("CBSS Secretariat", "cbss"),
    ("Nordic Council of Ministers", "nordic"),
    ("IOM: UN Migration", "un"),
    ("OSCE Office of the Special Representative on Trafficking", "osce"),
]
POSITIONS = cycle(
    [
        "Senior adviser",
        "Head of unit",
        "Detective inspector",
        "Public prosecutor",
        "Labour inspector",
        "Policy officer",
        "National rapporteur",
        "Programme manager",
        "Legal adviser",
        "Victim support counsellor",
    ]
)
EXPERTISE = cycle(
    [
        "labour exploitation, forced labour, supply chains",
        "victim identification, referral mechanisms",
        "sexual exploitation, online recruitment",
        "financial investigation, money laundering",
        "child trafficking, unaccompanied minors",
        "legislation, criminal justice",
        "victim support, shelters, reintegration",
        "data collection, research",
        "prevention, awareness campaigns",
        "forced criminality, begging",
    ]
)


def demo_email(name: str) -> str:
    local = fold(name).replace("ø", "o").replace(" ", ".")
    return (
        "".join(ch for ch in local if ch.isascii() and (ch.isalnum() or ch == "."))
        + "@demo.example"
    )


def create_directory_demo(users: dict[str, User], password_hash: str) -> None:
    """Give the demo accounts organisations and profiles, and add experts to every delegation."""
    by_country: dict[str, list[Organisation]] = {}
    for code, (organisations, _) in COUNTRIES.items():
        by_country[code] = [
            Organisation(name=n, kind=k, country_code=code) for n, k in organisations
        ]
    international = [Organisation(name=n, kind=k) for n, k in INTERNATIONAL]
    db.session.add_all([*international, *(o for orgs in by_country.values() for o in orgs)])
    existing = {user.name: user for user in users.values()}
    for code, (_, names) in COUNTRIES.items():
        for index, name in enumerate(names):
            user = existing.get(name)
            if user is None:
                user = User(
                    email=demo_email(name),
                    name=name,
                    role="member",
                    country_code=code,
                    password_hash=password_hash,
                )
                db.session.add(user)
                users[f"expert_{code.lower()}_{index}"] = user
            describe(user, by_country[code][index % len(by_country[code])], code, index)
    for user in users.values():
        if user.role == "secretariat":
            describe(user, international[0], user.country_code or "SE", 0)
            user.position = "Senior adviser, Task Force Secretariat"
            user.expertise = "coordination, reporting, meetings"


def describe(user: User, organisation: Organisation, code: str, index: int) -> None:
    user.organisation = organisation
    user.position = next(POSITIONS)
    user.expertise = next(EXPERTISE)
    user.languages = f"English, {LANGUAGES.get(code, 'English')}"
    user.timezone = TIME_ZONES.get(code, "Europe/Stockholm")
    user.phone = f"+{40 + index} 555 01{index:02d}"
    user.phone_visibility = "hidden" if index % 4 == 3 else "members"
    user.bio = (
        f"Works at {organisation.name} on {user.expertise.split(',')[0]}. "
        "Happy to share *practice* and contacts with colleagues in the task force."
    )
