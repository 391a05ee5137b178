"""The lessons plugin's own vocabularies: countries, levels, areas, forms of exploitation.

The countries are kept here as plugin data (the CBSS member states and the EU) rather than
read from the core, so the plugin does not depend on a country table it does not own.
"""

from __future__ import annotations

COUNTRIES = {
    "DK": "Denmark",
    "EE": "Estonia",
    "FI": "Finland",
    "DE": "Germany",
    "IS": "Iceland",
    "LV": "Latvia",
    "LT": "Lithuania",
    "NO": "Norway",
    "PL": "Poland",
    "SE": "Sweden",
    "EU": "European Union",
}

LEVELS = {
    "local": "Local",
    "regional": "Regional",
    "national": "National",
    "international": "International",
}

AREAS = {
    "prevention": "Prevention",
    "protection": "Protection and assistance",
    "prosecution": "Prosecution",
    "partnership": "Partnership and co-operation",
}

EXPLOITATION_FORMS = {
    "sexual": "Sexual exploitation",
    "labour": "Labour exploitation",
    "criminality": "Forced criminality",
    "begging": "Forced begging",
    "organs": "Organ removal",
    "other": "Other forms",
}

TARGET_GROUPS = {
    "adults": "Adults",
    "children": "Children (referred to the body responsible for children)",
}

STATUSES = {"draft": "Draft", "submitted": "Submitted for review", "published": "Published"}

SHARING = {
    "taskforce": "Task force only",
    "partners": "Shared with partners",
    "public": "Public",
}

FACET_LABELS = {
    "country": COUNTRIES,
    "level": LEVELS,
    "area": AREAS,
    "form": EXPLOITATION_FORMS,
}


def label(facet: str, value: str) -> str:
    """The readable name of a facet value; years and tags are their own label."""
    return FACET_LABELS.get(facet, {}).get(value, value)
