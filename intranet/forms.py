"""Forms of the core's account pages, and `Form`, the base class of every form in the product."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    PasswordField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length
from wtforms.widgets import Select

from intranet.accounts.security import MAX_PASSWORD_LENGTH
from intranet.platform.submissions import SubmissionTokenInput, new_token
from intranet.widgets import KeptOptionsSelect

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
LARGEST_INTEGER = 2**31 - 1
KEPT_OPTIONS = KeptOptionsSelect()


class Form(FlaskForm):
    """A CSRF-protected form whose fields refuse the input classes that break pages later.

    Every single-line text field refuses line breaks (they end up in mail headers, vCards and
    calendar lines); every date lies between 1900 and 2100 (dates near year 9999 overflow the
    moment anything adds a day to them); every integer fits a database integer column. The
    error stands next to the field, and what the user typed is kept.

    Its CSRF field also sends a one-time submission token, so a submission arriving twice
    does its work once (intranet.platform.submissions). Its selects keep their options'
    markup between views (intranet.widgets).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        csrf_field = self._fields.get(self.meta.csrf_field_name)
        if csrf_field is not None:
            csrf_field.widget = SubmissionTokenInput(new_token())
        for field in self:
            if type(field.widget) is Select and not field.widget.multiple:
                field.widget = KEPT_OPTIONS

    def validate(self, extra_validators: dict[str, Any] | None = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            problem = input_problem(field)
            if problem:
                if isinstance(field.errors, list):
                    field.errors.append(problem)
                else:
                    field.errors = [problem]
                valid = False
        return valid


def input_problem(field: Any) -> str | None:
    """What is wrong with a field's value beyond its own validators, or None."""
    if isinstance(field, TextAreaField | PasswordField):
        return None
    data = field.data
    if isinstance(field, StringField) and isinstance(data, str) and ("\r" in data or "\n" in data):
        return "Use a single line here: line breaks are not allowed."
    if isinstance(field, DateField | DateTimeLocalField) and isinstance(data, date):
        day = data.date() if isinstance(data, datetime) else data
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            return f"Enter a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}."
    if isinstance(field, IntegerField) and isinstance(data, int) and abs(data) > LARGEST_INTEGER:
        return "Enter a smaller number."
    return None


class LoginForm(Form):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    remember = BooleanField("Keep me signed in on this device")


class ForgotPasswordForm(Form):
    email = EmailField(
        "Email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )


class NewPasswordForm(Form):
    password = PasswordField(
        "New password",
        validators=[DataRequired()],
        description="At least 12 characters. A passphrase of a few unrelated words works well.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
