"""`choice_inputs` writes a group of checkboxes or radio buttons exactly as iterating the field
does (wtforms builds a field per choice for that, which cost the lesson form 5 ms)."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, RadioField, SelectMultipleField, widgets
from wtforms.validators import InputRequired

from intranet.widgets import choice_inputs


class Boxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class Sample(Form):
    countries = Boxes("Countries", choices=[("DK", "Denmark"), ("SE", "Sweden"), ("LT", "")])
    numbers = Boxes("Numbers", coerce=int, choices=[(1, "One"), (2, "Two & <three>")])
    required = Boxes("Required", choices=[("a", "A"), ("b", "B")], validators=[InputRequired()])
    styled = Boxes("Styled", choices=[("x", "X")], render_kw={"class_": "wide", "data_x": "1"})
    scope = RadioField("Scope", choices=[("one", "This one"), ("all", "The whole series")])


def iterated(field: Any) -> list[tuple[str, str]]:
    return [(str(option()), str(option.label)) for option in field]


@pytest.mark.parametrize(
    "posted",
    [
        {},
        {"countries": ["SE", "LT"], "numbers": ["2"], "scope": ["all"], "styled": ["x"]},
        {"numbers": ["1", "2"], "required": ["b"], "scope": ["one"]},
    ],
    ids=["nothing chosen", "some chosen", "others chosen"],
)
def test_choice_inputs_write_what_iterating_the_field_writes(posted: dict[str, Any]) -> None:
    form = Sample(MultiDict([(name, value) for name, values in posted.items() for value in values]))
    for field in form:
        inputs = [(str(box), str(label)) for box, label in choice_inputs(field)]
        assert inputs == iterated(field), field.name
