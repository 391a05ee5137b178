"""One country field for the whole product.

The countries a user may choose are those the task force records (the `country` table that
admins keep under Countries: member states, the EU, partner countries). A form shows their
names and stores the code; what a script or a spreadsheet sends may be a code or a name, in
any case, including the names and three-letter codes of ISO 3166 (pycountry is the maintained
source), and is turned into the recorded code. Anything else is refused with the same message
in every form and import.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import Flask, g
from wtforms import SelectField, ValidationError

from intranet.extensions import db
from intranet.models import Country
from intranet.platform import stamps

STAMP = "countries"
stamps.watch(STAMP, Country)

COUNTRY_ERROR = "“{value}” is not a country of the task force. Choose one from the list."


def recorded_countries() -> list[tuple[str, str, str]]:
    """(code, name, kind) of every recorded country by name: read once per change to the
    countries (the stamp), not on every page that names one."""
    if "intranet_countries" not in g:
        g.intranet_countries = stamps.cached(STAMP, "recorded", _recorded)
    return g.intranet_countries


def _recorded() -> list[tuple[str, str, str]]:
    rows = db.session.execute(
        sa.select(Country.code, Country.name, Country.kind).order_by(Country.name)
    )
    return [tuple(row) for row in rows]


def country_choices(kinds: Iterable[str] | None = None, blank: str | None = "—") -> list[Any]:
    """(code, name) choices for a select, optionally only some kinds (e.g. "member")."""
    wanted = set(kinds) if kinds is not None else None
    choices = [
        (code, name)
        for code, name, kind in recorded_countries()
        if wanted is None or kind in wanted
    ]
    return [("", blank), *choices] if blank is not None else choices


def country_name(code: str | None) -> str:
    """The recorded name of `code`, or the code itself when it names no recorded country."""
    for known, name, _kind in recorded_countries():
        if known == code:
            return name
    return code or ""


def country_code(text: str | None, kinds: Iterable[str] | None = None) -> str | None:
    """The recorded code that `text` names (a code or a name, ISO 3166 names and three-letter
    codes included), or None."""
    text = (text or "").strip()
    if not text:
        return None
    recorded = {code: name for code, name in country_choices(kinds, blank=None)}
    wanted = text.casefold()
    for code, name in recorded.items():
        if wanted in (code.casefold(), name.casefold()):
            return code
    import pycountry  # loaded on first use: most requests never need it

    try:
        iso = pycountry.countries.lookup(text)
    except LookupError:
        return None
    return iso.alpha_2 if iso.alpha_2 in recorded else None


class CountryField(SelectField):
    """A select of the recorded countries' names that stores the code.

    A submitted name or ISO code is accepted as well (scripts, old bookmarks, a browser that
    autofills "Latvia"); anything else gets `COUNTRY_ERROR` next to the field. `kinds` limits
    the choice, e.g. to member states; `blank` labels the empty choice (None: no empty choice).
    """

    def __init__(
        self,
        label: str | None = None,
        validators: Any = None,
        *,
        kinds: Iterable[str] | None = None,
        blank: str | None = "—",
        **kwargs: Any,
    ) -> None:
        self.kinds = tuple(kinds) if kinds is not None else None
        self.blank = blank
        self.typed = ""
        super().__init__(
            label,
            validators,
            choices=lambda: country_choices(self.kinds, self.blank),
            validate_choice=False,
            **kwargs,
        )

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.typed = str(valuelist[0]).strip() if valuelist else ""
        self.data = country_code(self.typed, self.kinds) or self.typed

    def pre_validate(self, form: Any) -> None:
        if self.data and country_code(self.data, self.kinds) != self.data:
            raise ValidationError(COUNTRY_ERROR.format(value=self.typed or self.data))


def init_app(app: Flask) -> None:
    app.add_template_filter(country_name, "country_name")
