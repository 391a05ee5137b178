"""The plugin's forms: `Form` brings the CSRF token and refuses line breaks in one-line fields."""

from __future__ import annotations

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from intranet.plugin_api import Form


class PollForm(Form):
    question = StringField("Question", validators=[DataRequired(), Length(max=200)])
    options = TextAreaField(
        "Choices", validators=[DataRequired()], description="One choice per line, at least two."
    )

    def validate_options(self, field: TextAreaField) -> None:
        choices = [line.strip() for line in field.data.splitlines() if line.strip()]
        if len(choices) < 2:
            raise ValidationError("Give at least two choices.")
        if any(len(choice) > 200 for choice in choices):
            raise ValidationError("Keep each choice under 200 characters.")


class VoteForm(Form):
    choice = RadioField("Your answer", validators=[DataRequired()])

    def __init__(self, choices: list[str], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.choice.choices = [(choice, choice) for choice in choices]
