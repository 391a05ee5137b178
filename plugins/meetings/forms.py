"""Forms of the meetings plugin. Times are entered in the meeting's own time zone."""

from __future__ import annotations

from datetime import date, datetime
from itertools import islice
from typing import Any

from dateutil.rrule import rrulestr
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
from wtforms.widgets import CheckboxInput, ListWidget

from intranet.plugin_api import CountryField, Form

from .calendar import LAST_START, MAX_OCCURRENCES, rule_problem, rule_starts
from .models import (
    ACTION_STATES,
    DECISION_STATES,
    KINDS,
    MINUTES_STATES,
    MODES,
    RESPONSES,
    STATUSES,
)
from .notes import MAX_LENGTH as MAX_NOTE
from .recurrence import FREQUENCIES, WEEKDAYS, Recurrence, build_rule
from .zones import COUNTRY_ZONES, is_zone

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


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (no Ctrl-click)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SkippedDatesField(TextAreaField):
    """The dates of a series without a meeting: ticked in the list of dates (one value per
    date), or several ISO dates in one value; kept as ISO dates, one per line."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = "\n".join(" ".join(valuelist).split()) if valuelist else ""


def human_problem(rule: str, start: datetime) -> str:
    """Why the repeat choices cannot be used, in the form's own words."""
    starts = list(islice(rrulestr(rule, dtstart=start), MAX_OCCURRENCES + 1))
    if len(starts) > MAX_OCCURRENCES:
        return (
            f"That makes more than {MAX_OCCURRENCES} meetings: choose fewer or an earlier "
            "last date."
        )
    if not starts:
        return "These choices schedule no meeting at all: check them against the start."
    return f"A series ends by {LAST_START.year} at the latest: choose fewer meetings."


class MeetingForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=choices(KINDS))
    owner = StringField("Owned by", default="", validators=[listed_id])  # a picker
    start = DateTimeLocalField("Starts", format=DATETIME_FORMAT, validators=[DataRequired()])
    end = DateTimeLocalField("Ends", format=DATETIME_FORMAT, validators=[DataRequired()])
    timezone = SelectField(
        "Time zone",
        validate_choice=False,
        default="",
        description="The times above are in this zone. Left empty, the host country's zone "
        "is used (or your own).",
    )
    venue = StringField("Venue", validators=[Optional(), Length(max=300)])
    online_url = URLField(
        "Online link", validators=[Optional(), URL(message="Enter a full https:// address.")]
    )
    host_country = CountryField("Host country")
    status = SelectField("Status", choices=choices(STATUSES))
    series = StringField("Series", default="", validators=[listed_id])  # a picker
    new_series = StringField(
        "Or start a new series named", validators=[Optional(), Length(max=200)]
    )
    repeats = SelectField("Repeats", choices=choices(FREQUENCIES), default="never")
    interval = IntegerField(
        "Every",
        default=1,
        validators=[Optional(), NumberRange(min=1, max=99)],
        description="1 for every day, week, month or year; 6 with Monthly for every six months.",
    )
    weekdays = MultiCheckboxField(
        "On",
        coerce=int,
        choices=list(enumerate(WEEKDAYS)),
        description="For a weekly series; none ticked means the weekday it starts on.",
    )
    monthly_by = RadioField(
        "Each month",
        choices=[
            ("date", "On the same date (e.g. the 19th)"),
            ("weekday", "On the same weekday (e.g. the second Tuesday)"),
        ],
        default="date",
    )
    ends = RadioField(
        "Ends",
        choices=[("count", "After a number of meetings"), ("until", "On a date")],
        default="count",
    )
    count = IntegerField(
        "Number of meetings",
        validators=[Optional(), NumberRange(min=1, max=MAX_OCCURRENCES)],
        description=f"The first one included; at most {MAX_OCCURRENCES}.",
    )
    until = DateField("Last date", validators=[Optional()])
    weekend_ok = BooleanField("Keep the meetings that fall on a weekend or a public holiday")
    exdates = SkippedDatesField("Skipped dates", validators=[Optional()])

    # The repeat rule built from the choices (None for a single meeting): set by validate().
    rule: str | None = None
    # Stored rule the choices cannot show, kept as it is when "repeats" is "keep".
    kept_rule: str | None = None

    def validate_timezone(self, field: Any) -> None:
        name = (field.data or "").strip()
        if not name:
            country = (self.host_country.data or "").strip().upper()
            name = COUNTRY_ZONES.get(country, self.fallback_zone)
        if not is_zone(name):
            raise ValidationError("Choose a time zone from the list.")
        field.data = name

    fallback_zone = "UTC"

    def validate_end(self, field: Any) -> None:
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError("The meeting must end after it starts.")

    def recurrence(self) -> Recurrence:
        return Recurrence(
            frequency=self.repeats.data or "never",
            interval=self.interval.data or 1,
            weekdays=list(self.weekdays.data or []),
            monthly_by=self.monthly_by.data or "date",
            ends=self.ends.data or "count",
            count=self.count.data,
            until=self.until.data,
        )

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, then the repeat rule built from the choices (it needs the start and
        the end's fields already checked), then the skipped dates against that rule."""
        valid = super().validate(extra_validators)
        self.rule = self.kept_rule if self.repeats.data == "keep" else None
        if self.repeats.data in ("keep", "never") or not self.start.data:
            return valid and self.skipped_dates_fit()
        if self.repeats.errors or self.count.errors or self.until.errors or self.interval.errors:
            return False
        problem = self.repeat_problem()
        if problem is not None:
            field, message = problem
            field.errors = [*field.errors, message]
            return False
        return valid and self.skipped_dates_fit()

    def repeat_problem(self) -> tuple[Any, str] | None:
        """Check the repeat choices and build the rule: an end, at most MAX_OCCURRENCES
        meetings, none after LAST_START. The field at fault and why, or None."""
        choice = self.recurrence()
        if choice.ends == "count" and not choice.count:
            return self.count, "How many meetings in all? The first one counts."
        if choice.ends == "until" and choice.until is None:
            return self.until, "Give the date of the last meeting."
        if choice.ends == "until" and choice.until < self.start.data.date():
            return self.until, "The last date comes after the first meeting."
        rule = build_rule(choice, self.start.data)
        if rule_problem(rule, self.start.data) is not None:
            return self.repeats, human_problem(rule, self.start.data)
        self.rule = rule
        return None

    def skipped_dates_fit(self) -> bool:
        days = (self.exdates.data or "").split()
        if not days or self.exdates.errors or not self.rule:
            return True
        starts = rule_starts(self.rule, self.start.data)
        scheduled = {moment.date().isoformat() for moment in starts}
        stale = [day for day in days if day not in scheduled]
        if stale:
            self.exdates.errors = [
                f"{', '.join(stale)}: not a date of this series, so there is nothing to "
                "skip. Check the dates against the repeat choices."
            ]
        return not stale

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
    everyone = BooleanField("All members")
    delegation = CountryField("A whole delegation")
    groups = MultiCheckboxField("Whole sub-groups", coerce=str, validate_choice=False)
    members = MultiCheckboxField("Members", coerce=int, validate_choice=False)
    guests = MultiCheckboxField("Granted guests", coerce=int, validate_choice=False)


class ResponseForm(Form):
    """Nothing is chosen until the member chooses: a preselected "attending" would be saved
    by whoever only meant to look."""

    response = RadioField(
        "Your answer",
        choices=choices(RESPONSES),
        validators=[DataRequired("Choose whether you attend.")],
    )
    mode = RadioField("How you take part", choices=choices(MODES), validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.response.data in ("attending", "tentative") and not self.mode.data:
            self.mode.errors = [*self.mode.errors, "Choose in person or online."]
            return False
        return valid


class MinutesForm(Form):
    body = TextAreaField("Minutes (Markdown)", validators=[Optional()])
    status = SelectField("State", choices=choices(MINUTES_STATES))


class DecisionForm(Form):
    text = TextAreaField("Decision", validators=[DataRequired()])
    status = SelectField("Status", choices=choices(DECISION_STATES), default="adopted")


class ActionItemForm(Form):
    title = StringField("Action", validators=[DataRequired(), Length(max=300)])
    owner_user = StringField("Owner", default="", validators=[listed_id])
    owner_country = CountryField("Or a delegation")
    due_on = DateField("Due", validators=[Optional()])

    def validate_owner_country(self, field: Any) -> None:
        if not field.data and not self.owner_user.data:
            raise ValidationError("Choose an owner: a member or a delegation.")


class ActionStatusForm(Form):
    status = SelectField("Status", choices=choices(ACTION_STATES))


class ActionNoteForm(Form):
    body = TextAreaField("Progress note", validators=[DataRequired(), Length(max=MAX_NOTE)])


class DocumentForm(Form):
    document = FileField(
        "Document",
        description="PDF, Office or OpenDocument files, images, text or CSV.",
    )
