"""Forms of the lessons plugin; choices come from the plugin's vocabularies."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from flask_wtf.file import FileField
from wtforms import (
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from intranet.plugin_api import Form

from .vocab import (
    AREAS,
    COUNTRIES,
    EXPLOITATION_FORMS,
    LEVELS,
    SHARING,
    TARGET_GROUPS,
)

MAX_TAGS = 10


class CheckboxesField(SelectMultipleField):
    """Several choices as a group of checkboxes; unknown values are refused by WTForms."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def at_least_one(form: Any, field: Any) -> None:
    if not field.data:
        raise ValidationError("Choose at least one.")


def years(label: str, *, required: bool) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            DataRequired(message="Give the year.") if required else Optional(),
            NumberRange(min=1990, max=2100, message="Give a year between 1990 and 2100."),
        ],
    )


def end_after_start(form: Any, field: Any) -> None:
    if field.data and form.start_year.data and field.data < form.start_year.data:
        raise ValidationError("The period cannot end before it starts.")


def web_links(form: Any, field: Any) -> None:
    for line in (field.data or "").splitlines():
        url = urlparse(line.strip())
        if line.strip() and (url.scheme not in ("http", "https") or not url.netloc):
            raise ValidationError(f"“{line.strip()}” is not a web address (https://…).")


def tag_list(text: str) -> list[str]:
    return sorted({tag.strip().lower() for tag in text.split(",") if tag.strip()})


def tags_valid(form: Any, field: Any) -> None:
    tags = tag_list(field.data or "")
    if len(tags) > MAX_TAGS:
        raise ValidationError(f"At most {MAX_TAGS} tags.")
    if any(len(tag) > 60 for tag in tags):
        raise ValidationError("A tag is at most 60 characters long.")


def choices(vocabulary: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in vocabulary.items()]


class LessonForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(
        "Summary",
        validators=[DataRequired(), Length(max=2000)],
        description="Two or three sentences: what worked, where, for whom.",
    )
    context = TextAreaField("Context", validators=[Length(max=20000)])
    actions = TextAreaField("What was done", validators=[Length(max=20000)])
    results = TextAreaField("Results and evidence", validators=[Length(max=20000)])
    recommendation = TextAreaField(
        "Lesson or recommendation",
        validators=[Length(max=20000)],
        description="Markdown: *emphasis*, lists, [links](https://example.org).",
    )
    countries = CheckboxesField(
        "Countries concerned", choices=choices(COUNTRIES), validators=[at_least_one]
    )
    level = SelectField("Level", choices=choices(LEVELS), validators=[DataRequired()])
    area = SelectField("Area", choices=choices(AREAS), validators=[DataRequired()])
    target_group = RadioField(
        "Target group",
        choices=choices(TARGET_GROUPS),
        default="adults",
        validators=[DataRequired()],
        description="Adults are the task force's focus; records about children are flagged "
        "for referral.",
    )
    forms = CheckboxesField("Forms of exploitation", choices=choices(EXPLOITATION_FORMS))
    organisation = StringField("Organisation", validators=[Length(max=200)])
    contact_person = StringField("Contact person", validators=[Length(max=200)])
    start_year = years("Started in (year)", required=True)
    end_year = years("Ended in (year)", required=False)
    links = TextAreaField(
        "Links", validators=[web_links, Length(max=5000)], description="One web address a line."
    )
    tags = StringField(
        "Tags", validators=[tags_valid, Length(max=700)], description="Separated by commas."
    )
    initiatives = CheckboxesField("Related initiatives", coerce=int, choices=[])
    sharing = SelectField(
        "Sharing",
        choices=choices(SHARING),
        default="taskforce",
        validators=[DataRequired()],
        description="Partners are invited guests; public lessons appear on the public page "
        "and feed once published.",
    )

    def validate_end_year(self, field: Any) -> None:
        end_after_start(self, field)


class InitiativeForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    organisation = StringField("Organisation", validators=[Length(max=200)])
    countries = CheckboxesField("Countries", choices=choices(COUNTRIES), validators=[at_least_one])
    level = SelectField("Level", choices=choices(LEVELS), validators=[DataRequired()])
    area = SelectField("Area", choices=choices(AREAS), validators=[DataRequired()])
    start_year = years("Started in (year)", required=False)
    end_year = years("Ended in (year)", required=False)
    website = StringField(
        "Website",
        validators=[Optional(), URL(message="Give a web address (https://…)."), Length(max=500)],
    )
    contact = StringField("Contact", validators=[Length(max=200)])
    description = TextAreaField(
        "Description", validators=[DataRequired(), Length(max=20000)], description="Markdown."
    )
    subgroups = CheckboxesField("Sub-groups working on it", coerce=int, choices=[])

    def validate_end_year(self, field: Any) -> None:
        end_after_start(self, field)


class ReviewForm(Form):
    decision = RadioField(
        "Decision",
        choices=choices({"publish": "Publish", "return": "Send back to the author"}),
        validators=[DataRequired(message="Choose a decision.")],
    )
    comment = TextAreaField(
        "Comment for the author",
        validators=[Length(max=5000)],
        description="Required when you send the lesson back.",
    )

    def validate_comment(self, field: Any) -> None:
        if self.decision.data == "return" and not (field.data or "").strip():
            raise ValidationError("Say what should change before it can be published.")


class CommentForm(Form):
    body = TextAreaField("Comment", validators=[DataRequired(), Length(max=5000)])


class EditorForm(Form):
    email = StringField("Email of the member", validators=[DataRequired(), Length(max=254)])


class DocumentForm(Form):
    file = FileField("Document", description="PDF, office documents, images, text or CSV.")
    sharing = SelectField(
        "Shared with",
        choices=choices(SHARING),
        validators=[DataRequired()],
        description="Public documents of a public lesson can be downloaded by anyone; "
        "task-force-only documents stay with the task force even on a public lesson.",
    )


class DocumentSharingForm(Form):
    sharing = SelectField("Shared with", choices=choices(SHARING), validators=[DataRequired()])
