"""Forms of the sub-groups plugin."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from intranet.plugin_api import Form

from .models import JOIN_POLICIES, KINDS


class ProposeForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(min=3, max=200)])
    kind = SelectField("Kind", choices=list(KINDS.items()), default="topic")
    mandate = TextAreaField(
        "Mandate",
        validators=[DataRequired(), Length(max=20000)],
        description="What the group will do and deliver. Markdown is allowed.",
    )
    start_date = DateField("Start date", validators=[DataRequired()])
    end_date = DateField(
        "End date",
        validators=[DataRequired()],
        description="Sub-groups are temporary: the end date can be extended later.",
    )
    join_policy = SelectField("Who may join", choices=list(JOIN_POLICIES.items()), default="open")
    convenors = SelectMultipleField(
        "Convenors",
        coerce=int,
        choices=[],
        validate_choice=False,  # chosen with the people picker, checked by the view
        description="Only the secretariat chooses convenors; without a choice, you convene.",
    )

    def validate_end_date(self, field: DateField) -> None:
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError("The end date cannot be before the start date.")


class ExtendForm(Form):
    new_end = DateField("New end date", validators=[DataRequired()])
    reason = TextAreaField(
        "Reason",
        validators=[DataRequired(message="Give the reason for the extension."), Length(max=5000)],
        description="For example the decision of the task force meeting or the final report.",
    )

    def __init__(self, *args: object, current_end: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.current_end = current_end

    def validate_new_end(self, field: DateField) -> None:
        if self.current_end and field.data and field.data <= self.current_end:
            raise ValidationError(f"Choose a date after the current end date ({self.current_end}).")


class InviteForm(Form):
    user_id = StringField("Member to invite", validators=[DataRequired("Choose a member.")])


class ThreadForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        "Message", validators=[DataRequired(), Length(max=20000)], description="Markdown."
    )


class MailingListForm(Form):
    every_post = BooleanField("Send every new post to the members as its own mail")


class PostForm(Form):
    body = TextAreaField(
        "Message", validators=[DataRequired(), Length(max=20000)], description="Markdown."
    )


class DocumentForm(Form):
    file = FileField(
        "Document",
        validators=[FileRequired("Choose a file to upload.")],
        description="PDF, Office or OpenDocument files, images, text or CSV.",
    )
