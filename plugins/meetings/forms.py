"""Forms of the meetings plugin. Times are entered in the meeting's own time zone."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

from intranet.plugin_api import CountryField, Form

from .calendar import LAST_START, rule_problem, rule_starts
from .models import ACTION_STATES, KINDS, MINUTES_STATES, MODES, RESPONSES, STATUSES

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
EARLIEST_DAY = date(1900, 1, 1)  # the core Form's bounds for date fields
LATEST_DAY = LAST_START.date()
LARGEST_ID = 2**31 - 1


def choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    return list(labels.items())


def listed_id(form: Any, field: Any) -> None:
    """An id picked from a list ("42", or "kind:42" for an owner) must fit an id column: the
    choices are not checked (the current one may no longer be listed), the number is."""
    number = (field.data or "").rpartition(":")[2]
    if number and not (number.isdecimal() and int(number) <= LARGEST_ID):
        raise ValidationError("Choose one of the listed entries.")


class MeetingForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=choices(KINDS))
    owner = SelectField(
        "Owned by",
        choices=[("", "The task force")],
        validate_choice=False,
        default="",
        validators=[listed_id],
    )
    start = DateTimeLocalField("Starts", format=DATETIME_FORMAT, validators=[DataRequired()])
    end = DateTimeLocalField("Ends", format=DATETIME_FORMAT, validators=[DataRequired()])
    timezone = StringField(
        "Time zone",
        validators=[DataRequired(), Length(max=64)],
        description="The IANA name of the zone the times above are in, e.g. Europe/Riga.",
    )
    venue = StringField("Venue", validators=[Optional(), Length(max=300)])
    online_url = URLField(
        "Online link", validators=[Optional(), URL(message="Enter a full https:// address.")]
    )
    host_country = CountryField("Host country")
    status = SelectField("Status", choices=choices(STATUSES))
    series = SelectField(
        "Series", choices=[("", "None")], validate_choice=False, default="", validators=[listed_id]
    )
    new_series = StringField(
        "Or start a new series named", validators=[Optional(), Length(max=200)]
    )
    rrule = StringField(
        "Repeats (RRULE)",
        validators=[Optional(), Length(max=500)],
        description="For a recurring meeting, e.g. FREQ=WEEKLY;COUNT=10. A COUNT or UNTIL "
        "is required; at most daily, 200 occurrences, ending by 2100.",
    )
    exdates = TextAreaField(
        "Skipped dates",
        validators=[Optional()],
        description="Dates of the series without a meeting, one per line (YYYY-MM-DD).",
    )

    def validate_timezone(self, field: Any) -> None:
        name = (field.data or "").strip()
        try:
            if name not in available_timezones():
                raise ZoneInfoNotFoundError(name)
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError(
                f"“{name}” is not a known time zone; use a name such as Europe/Riga."
            ) from None
        field.data = name

    def validate_end(self, field: Any) -> None:
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError("The meeting must end after it starts.")

    def validate_rrule(self, field: Any) -> None:
        rule = (field.data or "").strip().upper().removeprefix("RRULE:")
        field.data = rule
        if not rule:
            return
        problem = rule_problem(rule, self.start.data or datetime(2000, 1, 1))
        if problem is not None:
            raise ValidationError(problem)

    def validate_exdates(self, field: Any) -> None:
        days = []
        for line in (field.data or "").split():
            try:
                day = date.fromisoformat(line)
            except ValueError:
                raise ValidationError(f"“{line}” is not a date like 2026-03-29.") from None
            if not EARLIEST_DAY <= day <= LATEST_DAY:
                raise ValidationError(
                    f"{line}: enter dates between {EARLIEST_DAY.year} and {LATEST_DAY.year}."
                )
            days.append(day.isoformat())
        if days and self.rrule.data and not self.rrule.errors and self.start.data:
            scheduled = {
                moment.date().isoformat()
                for moment in rule_starts(self.rrule.data, self.start.data)
            }
            stale = [day for day in days if day not in scheduled]
            if stale:
                raise ValidationError(
                    f"{', '.join(stale)}: not a date of this series, so there is nothing to "
                    "skip. Check the dates against the repeat rule."
                )
        field.data = "\n".join(days)


class OccurrenceForm(Form):
    """One occurrence of a series; whatever equals the series is stored as following it."""

    start = DateTimeLocalField("Starts", format=DATETIME_FORMAT, validators=[DataRequired()])
    end = DateTimeLocalField("Ends", format=DATETIME_FORMAT, validators=[DataRequired()])
    venue = StringField("Venue", validators=[Optional(), Length(max=300)])
    online_url = URLField(
        "Online link", validators=[Optional(), URL(message="Enter a full https:// address.")]
    )
    cancelled = BooleanField("Cancelled")
    scope = RadioField(
        "Save for",
        choices=[("occurrence", "This occurrence only"), ("series", "The whole series")],
        default="occurrence",
    )

    def validate_end(self, field: Any) -> None:
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError("The meeting must end after it starts.")


class AgendaItemForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    presenter = StringField("Presenter", validators=[Optional(), Length(max=200)])
    duration_minutes = IntegerField(
        "Minutes", default=15, validators=[DataRequired(), NumberRange(min=1, max=600)]
    )
    description = TextAreaField("Description (Markdown)", validators=[Optional()])


class InviteForm(Form):
    members = SelectMultipleField("Members", coerce=int, validate_choice=False)
    delegation = CountryField("A whole delegation")
    guests = SelectMultipleField("Granted guests", coerce=int, validate_choice=False)
    group = SelectField("A whole sub-group", coerce=str, default="")


class ResponseForm(Form):
    response = SelectField("Your answer", choices=choices(RESPONSES))
    mode = SelectField("How you take part", choices=choices(MODES))


class MinutesForm(Form):
    body = TextAreaField("Minutes (Markdown)", validators=[Optional()])
    status = SelectField("State", choices=choices(MINUTES_STATES))


class DecisionForm(Form):
    reference = StringField("Reference", validators=[Optional(), Length(max=40)])
    text = TextAreaField("Decision", validators=[DataRequired()])


class ActionItemForm(Form):
    title = StringField("Action", validators=[DataRequired(), Length(max=300)])
    owner_user = SelectField(
        "Owner", coerce=str, validate_choice=False, default="", validators=[listed_id]
    )
    owner_country = CountryField("Or a delegation")
    due_on = DateField("Due", validators=[Optional()])

    def validate_owner_country(self, field: Any) -> None:
        if not field.data and not self.owner_user.data:
            raise ValidationError("Choose an owner: a member or a delegation.")


class ActionStatusForm(Form):
    status = SelectField("Status", choices=choices(ACTION_STATES))


class DocumentForm(Form):
    document = FileField(
        "Document",
        description="PDF, Office or OpenDocument files, images, text or CSV.",
    )
