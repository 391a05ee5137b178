"""Forms of the partners plugin."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from intranet.plugin_api import Form

from .models import ORGANISATION_KINDS


class ResourcesField(SelectMultipleField):
    """Checkboxes of grantable resources; unknown values are reported by the view, not here."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form: object) -> None:
        pass


class GrantFields(Form):
    resources = ResourcesField("Access to", description="Choose at least one.")
    access_ends_on = DateField(
        "Access ends on",
        validators=[Optional()],
        description="The account is deactivated automatically after this day.",
    )
    message = TextAreaField(
        "Personal message", validators=[Length(max=4000)], description="Included in the mail."
    )


class InviteForm(GrantFields):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    organisation = StringField("Organisation", validators=[DataRequired(), Length(max=200)])
    organisation_kind = SelectField("Kind of organisation", choices=ORGANISATION_KINDS)


class BulkInviteForm(GrantFields):
    rows = TextAreaField(
        "People to invite",
        validators=[Length(max=100_000)],
        description="One per line: name, email, organisation, kind (e.g. NGO, UN agency).",
    )
    upload = FileField("…or a CSV file with the same columns")


class AcceptForm(Form):
    password = PasswordField(
        "Choose a password",
        validators=[DataRequired()],
        description="At least 12 characters. A passphrase of a few unrelated words works well.",
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )


class RenewForm(Form):
    access_ends_on = DateField("Access ends on", validators=[Optional()])


class AddGrantsForm(Form):
    resources = ResourcesField("Add access to")
