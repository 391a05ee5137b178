"""Forms of the governance pages; checks that need the database live in the views."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from intranet.plugin_api import CountryField, Form


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class PeriodForm(Form):
    """Start and end dates; the end may not come before the start."""

    start = DateField("Start", validators=[InputRequired()])
    end = DateField("End", validators=[InputRequired()])

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError("The end must not be before the start.")


class ChairPeriodForm(PeriodForm):
    country_code = CountryField(
        "Chairing country",
        [DataRequired(message="Choose the chairing country.")],
        kinds=["member"],
    )
    chairpersons = SelectMultipleField(
        "Chairpersons",
        coerce=int,
        choices=[],
        validate_choice=False,  # the people picker's
    )
    override = BooleanField("This period does not start on 1 July")
    override_reason = TextAreaField(
        "Reason for the exception",
        filters=[_strip],
        validators=[Length(max=2000)],
        description="Required when the period does not start on 1 July.",
    )

    def validate_start(self, field: DateField) -> None:
        excepted = self.override.data and self.override_reason.data
        if field.data and (field.data.month, field.data.day) != (7, 1) and not excepted:
            raise ValidationError(
                "A chairmanship starts on 1 July. Tick the exception and give a reason "
                "to record another date."
            )


class GenerateForm(Form):
    count = IntegerField(
        "Number of years", default=5, validators=[InputRequired(), NumberRange(1, 30)]
    )


class MandateForm(PeriodForm):
    decision_reference = StringField(
        "Decision reference", filters=[_strip], validators=[Length(max=200)]
    )
    decision_date = DateField("Decision date", validators=[Optional()])
    decision_text = TextAreaField("Decision", filters=[_strip], validators=[Length(max=20000)])


class ProlongationForm(Form):
    end = DateField("New end of the mandate", validators=[InputRequired()])
    decision_date = DateField("Date of the decision", validators=[InputRequired()])
    decision_reference = StringField(
        "Decision reference",
        filters=[_strip],
        validators=[DataRequired(), Length(max=200)],
        description="E.g. the CSO meeting and document number.",
    )
    decision_text = TextAreaField("Decision", filters=[_strip], validators=[Length(max=20000)])


class RevisionForm(Form):
    body = TextAreaField(
        "Text (Markdown)",
        filters=[_strip],
        validators=[DataRequired(message="The text may not be empty."), Length(max=100000)],
    )
    reason = StringField(
        "Reason for the change",
        filters=[_strip],
        validators=[DataRequired(message="Say why the text changes."), Length(max=500)],
    )


class DecisionForm(Form):
    comment = TextAreaField("Comment", filters=[_strip], validators=[Length(max=5000)])


class RejectionForm(Form):
    comment = TextAreaField(
        "Why is the proposal rejected?",
        filters=[_strip],
        validators=[DataRequired(message="Give the proposer a reason."), Length(max=5000)],
    )


class ReportForm(Form):
    basis = SelectField("Period", description="A chairmanship year, a mandate, or your own dates.")
    title = StringField(
        "Title",
        filters=[_strip],
        validators=[Optional(), Length(max=200)],
        description="Left empty, the title names the period, e.g. “Activity report: "
        "Chairmanship of Latvia 2026-2027”.",
    )
    start = DateField("Start (own dates)", validators=[Optional()])
    end = DateField("End (own dates)", validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        """Own dates need both ends; checked here because Optional() stops a field's own
        validators when it is left empty."""
        if not super().validate(extra_validators):
            return False
        if self.basis.data != "custom":
            return True
        if not self.start.data or not self.end.data:
            self.end.errors.append("Give both the start and the end.")
        elif self.end.data < self.start.data:
            self.end.errors.append("The end must not be before the start.")
        return not self.end.errors


class ReportTextForm(Form):
    introduction = TextAreaField(
        "Introduction (Markdown)", filters=[_strip], validators=[Length(max=50000)]
    )
    conclusions = TextAreaField(
        "Conclusions (Markdown)", filters=[_strip], validators=[Length(max=50000)]
    )
