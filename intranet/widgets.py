"""Faster ways to write wtforms' markup: selects, and groups of checkboxes or radio buttons.

wtforms' own select builds every option's markup on every view: a time zone select (430
zones) took about 4 ms of a profile page. The options of a list of choices read the same on
every page except for which one is selected, so `KeptOptionsSelect` keeps each list's markup
(unselected) and marks the selected options in a copy. The result is the markup wtforms would
have written, character for character: every option is written by wtforms' `render_option`.

Iterating a checkbox field builds a wtforms field for each choice; `choice_inputs` gives the
same inputs and labels, written by the same widgets, without those fields.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from wtforms.fields import Label
from wtforms.meta import clean_key
from wtforms.widgets import Select, html_params

KEPT_LISTS = 256  # lists of choices kept, at most (a list holds one select's options)

_options: dict[tuple[Any, ...], str] = {}


def _choice_key(choice: Any) -> tuple[Any, ...]:
    return (choice.value, choice.label)


class KeptOptionsSelect(Select):
    """wtforms' single select, with its options' markup kept per list of choices. Choices
    with their own attributes (render_kw) are written afresh, as wtforms does."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        grouped = field.has_groups()
        if grouped:
            groups = [(name, choices) for name, choices in field._iter_groups_normalized()]
        else:
            groups = [(None, list(field._iter_choices_normalized()))]
        if self.multiple or any(c.render_kw for _, choices in groups for c in choices):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, False):
                kwargs[name] = getattr(flags, name)
        key = tuple((name, tuple(map(_choice_key, choices))) for name, choices in groups)
        options = _options.get(key)
        if options is None:
            options = "".join(self._group_markup(name, choices) for name, choices in groups)
            if len(_options) >= KEPT_LISTS:
                _options.clear()
            _options[key] = options
        for choice in {_choice_key(c): c for _, cs in groups for c in cs if c.selected}.values():
            plain = self.render_option(choice._replace(selected=False))
            options = options.replace(plain, self.render_option(choice))
        select = f"<select {html_params(name=field.name, **kwargs)}>{options}</select>"
        return Markup(select)  # noqa: S704 - attributes and options written by wtforms

    def _group_markup(self, name: str | None, choices: list[Any]) -> str:
        options = "".join(self.render_option(c._replace(selected=False)) for c in choices)
        if name is None:
            return options
        return f"<optgroup {html_params(label=name)}>{options}</optgroup>"


class _OneChoice:
    """What an option widget (a checkbox or radio input) reads of the field it renders."""

    __slots__ = ("checked", "data", "flags", "id", "name")

    def __init__(self, field: Any, index: int, choice: Any) -> None:
        self.id = f"{field.id}-{index}"
        self.name = field.name
        self.flags = field.flags
        self.checked = choice.selected
        self.data = choice.value

    def _value(self) -> str:
        return str(self.data)


def choice_inputs(field: Any) -> list[tuple[Markup, Markup]]:
    """Each choice of a checkbox or radio field as its input and its label: the markup that
    iterating the field writes (`{% for option in field %}{{ option() }} {{ option.label }}`),
    by the same widgets, without building a wtforms field per choice (27 checkboxes took 5 ms
    of the lesson form)."""
    render_kw = {clean_key(key): value for key, value in (field.render_kw or {}).items()}
    inputs = []
    for index, choice in enumerate(field._iter_choices_normalized()):
        option = _OneChoice(field, index, choice)
        label = Label(option.id, choice.label or choice.value)
        inputs.append((field.option_widget(option, **render_kw), label()))
    return inputs
