"""The form field for each type of declared setting: what an admin sees and what comes back.

No setting is ever shown as code: a list of choices is a set of labelled checkboxes, an order
is a numbered list with buttons to move, remove and add entries (plain submit buttons, so it
works without JavaScript), a number shows its unit, and a list typed as text is shown the way
it is typed ("SE, LV"), never as a Python list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wtforms import (
    BooleanField,
    Field,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.utils import unset_value
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

if TYPE_CHECKING:
    from intranet.forms import Form
    from intranet.values import Setting

MOVES = ("up", "down", "remove")


class CommaListField(StringField):
    """A list of short texts typed on one line, separated by commas."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = valuelist[0] if valuelist else ""
        self.data = [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]

    def _value(self) -> str:
        return ", ".join(self.data or [])


class NumberField(IntegerField):
    """A whole number with the unit it counts, shown after the input."""

    def __init__(self, *args: Any, unit: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit


class OrderField(Field):
    """An ordered list of values picked from `choices`.

    The entries come back as repeated hidden inputs, in order. A button named `<name>-move`
    carries "up:3", "down:3", "remove:3" or "add" (the value chosen in `<name>-add`); the form
    then comes back rearranged and unsaved (`moved`), with `focus` naming the button to focus.
    """

    def __init__(self, *args: Any, choices: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_source = choices
        self.moved = False
        self.focus = ""

    @property
    def choices(self) -> list[tuple[str, str]]:
        source = self.choice_source
        return list(source() if callable(source) else source)

    def label_of(self, value: str) -> str:
        return dict(self.choices).get(value, value)

    @property
    def addable(self) -> list[tuple[str, str]]:
        return [(value, label) for value, label in self.choices if value not in self.data]

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        if self.data is None or self.data is unset_value:
            self.data = []
        self.data = list(self.data)
        if formdata is not None and f"{self.name}-move" in formdata:
            self.rearrange(formdata.get(f"{self.name}-move", ""), formdata.get(f"{self.name}-add"))

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = [value.strip() for value in valuelist if value.strip()]

    def rearrange(self, command: str, added: str | None) -> None:
        self.moved = True
        if command == "add":
            if added and added not in self.data and added in dict(self.choices):
                self.data.append(added)
                self.focus = f"down:{len(self.data) - 1}"
            return
        move, _, position = command.partition(":")
        if move not in MOVES or not position.isdecimal() or int(position) >= len(self.data):
            return
        index = int(position)
        if move == "remove":
            del self.data[index]
            self.focus = f"{self.name}-add"
            return
        other = index - 1 if move == "up" else index + 1
        if 0 <= other < len(self.data):
            self.data[index], self.data[other] = self.data[other], self.data[index]
            # The same button at the new place, unless it is disabled there (top or bottom).
            at_end = other == 0 if move == "up" else other == len(self.data) - 1
            self.focus = (
                f"{'down' if move == 'up' else 'up'}:{other}" if at_end else f"{move}:{other}"
            )

    def pre_validate(self, form: Any) -> None:
        known = dict(self.choices)
        unknown = [value for value in self.data if value not in known]
        if unknown:
            raise StopValidation(f"Choose from the list; not known: {', '.join(unknown)}.")
        if len(set(self.data)) != len(self.data):
            raise StopValidation("Each entry may appear only once.")


def field_for(item: Setting) -> Field:
    """The form field for one declared setting; its own validator runs after the type checks."""
    extra: list[Any] = []
    if item.validate is not None:
        check = item.validate

        def run_check(_form: Form, field: Field) -> None:
            problem = check(field.data)
            if problem:
                raise ValidationError(problem)

        extra.append(run_check)
    options = {"label": item.label, "description": item.help}
    if item.type == "int":
        return NumberField(
            **options,
            unit=item.unit,
            validators=[InputRequired(), NumberRange(item.minimum, item.maximum), *extra],
            render_kw={
                key: value
                for key, value in (("min", item.minimum), ("max", item.maximum))
                if value is not None
            },
        )
    if item.type == "bool":
        return BooleanField(**options, validators=extra)
    if item.type == "order":
        return OrderField(**options, choices=item.choice_list, validators=extra)
    if item.type == "list" and item.choices:
        return SelectMultipleField(
            **options,
            choices=item.choice_list,
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
            validators=extra,
        )
    if item.type == "list":
        return CommaListField(**options, validators=[Length(max=2000), *extra])
    if item.type == "text":
        return TextAreaField(**options, validators=[Optional(), Length(max=20_000), *extra])
    return StringField(**options, validators=[Optional(), Length(max=500), *extra])
