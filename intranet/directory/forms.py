"""Forms of the directory: a member's own profile, countries and organisations."""

from __future__ import annotations

import re

import sqlalchemy as sa
from wtforms import BooleanField, Field, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from intranet.countries import CountryField
from intranet.extensions import db
from intranet.forms import Form
from intranet.models import (
    COUNTRY_KINDS,
    NOTIFICATION_PREFERENCES,
    ORGANISATION_KINDS,
    VISIBILITY,
    Country,
    Organisation,
)
from intranet.zones import ZoneField

PHONE = re.compile(r"^\+?[0-9 ()./-]{5,40}$")
COUNTRY_CODE = re.compile(r"^[A-Z]{2,8}$")


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def upper(value: str | None) -> str | None:
    return value.strip().upper() if isinstance(value, str) else value


class WelcomeForm(Form):
    """What a new account is asked at its first sign-in; the profile asks it too."""

    organisation_id = SelectField("Organisation", validate_choice=False)
    phone = StringField(
        "Phone",
        validators=[Optional(), Length(max=50)],
        filters=[strip],
        description="International format, e.g. +46 8 123 456 78.",
    )
    phone_visibility = RadioField("Who sees your phone number", choices=list(VISIBILITY.items()))
    timezone = ZoneField("Time zone", [DataRequired()], description="Dates are shown to you in it.")
    notification_preference = RadioField(
        "Mail me about news", choices=list(NOTIFICATION_PREFERENCES.items())
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [("", "—"), *organisation_choices()]

    def validate_phone(self, field: Field) -> None:
        if field.data and not PHONE.match(field.data):
            raise ValidationError("Use digits, spaces and + ( ) - only, e.g. +46 8 123 456 78.")

    def validate_organisation_id(self, field: Field) -> None:
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError("Choose an organisation from the list.")


class ProfileForm(WelcomeForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)], filters=[strip])
    position = StringField("Position", validators=[Optional(), Length(max=200)], filters=[strip])
    email_visibility = RadioField("Who sees your email address", choices=list(VISIBILITY.items()))
    expertise = StringField(
        "Expertise",
        validators=[Optional(), Length(max=1000)],
        filters=[strip],
        description="Topics, separated by commas, e.g. labour exploitation, victim support.",
    )
    languages = StringField(
        "Languages",
        validators=[Optional(), Length(max=200)],
        filters=[strip],
        description="e.g. English, Swedish, Finnish.",
    )
    bio = TextAreaField(
        "About you",
        validators=[Optional(), Length(max=5000)],
        description="Markdown: *emphasis*, lists, links. HTML is not kept.",
    )
    mail_every_post = BooleanField(
        "Send me every new post in my sub-groups' discussions as its own mail",
        description="Whatever you chose above; you can answer each of them by mail.",
    )


def organisation_choices() -> list[tuple[str, str]]:
    """(id, "name (country code)") of every recorded organisation, by name."""
    organisations = db.session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.country_code).order_by(
            Organisation.name
        )
    )
    return [(str(id_), f"{name} ({code})" if code else name) for id_, name, code in organisations]


class DelegationForm(Form):
    """The delegation (country) a member belongs to: staff set it, members ask for a change."""

    country_code = CountryField("Delegation")


class CountryForm(Form):
    code = StringField(
        "Code",
        validators=[DataRequired(), Length(max=8)],
        filters=[upper],
        description="ISO 3166 two-letter code (e.g. UA), or another short code such as EU.",
    )
    name = StringField("Name", validators=[DataRequired(), Length(max=100)], filters=[strip])
    kind = SelectField("Kind", choices=list(COUNTRY_KINDS.items()))

    def __init__(self, *args: object, existing: Country | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.existing = existing

    def validate_code(self, field: Field) -> None:
        if not COUNTRY_CODE.match(field.data or ""):
            raise ValidationError("Use two to eight letters, e.g. UA.")
        if self.existing is None and db.session.get(Country, field.data) is not None:
            raise ValidationError(f"The country code {field.data} exists already.")

    def validate_name(self, field: Field) -> None:
        other = db.session.scalar(sa.select(Country).where(Country.name == field.data))
        if other is not None and other is not self.existing:
            raise ValidationError(f"“{field.data}” exists already (code {other.code}).")


class OrganisationForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)], filters=[strip])
    kind = SelectField("Kind", choices=list(ORGANISATION_KINDS.items()))
    country_code = CountryField("Country", description="Leave empty for international bodies.")

    def __init__(
        self, *args: object, existing: Organisation | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.existing = existing

    def validate_name(self, field: Field) -> None:
        code = self.country_code.data or None
        same_country = (
            Organisation.country_code == code if code else Organisation.country_code.is_(None)
        )
        same = sa.select(Organisation).where(Organisation.name == field.data, same_country)
        other = db.session.scalar(same)
        if other is not None and other is not self.existing:
            raise ValidationError("This organisation exists already for that country.")
