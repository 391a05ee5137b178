"""Every form's single selects keep their options' markup between views (intranet.widgets) and
still write what wtforms writes, the chosen option included."""

from __future__ import annotations

import pytest
from wtforms import SelectField
from wtforms.validators import DataRequired
from wtforms.widgets import Select

from intranet.forms import Form
from intranet.widgets import KeptOptionsSelect
from intranet.zones import ZoneField


class Sample(Form):
    zone = ZoneField("Time zone", empty="No zone")
    size = SelectField("Size", [DataRequired()], choices=[(1, "1"), (2, "2 & more")], coerce=int)
    kind = SelectField("Kind", choices=[("a", "A", {"data-x": "1"}), ("b", "B")])


@pytest.fixture
def sample(app):
    with app.test_request_context():
        yield lambda **data: Sample(data=data, meta={"csrf": False})


@pytest.mark.parametrize(
    "data",
    [
        {},
        # Riga is offered twice (member states and Europe): wtforms marks both.
        {"zone": "Europe/Riga", "size": 2, "kind": "b"},
        {"zone": "UTC", "size": 1, "kind": "a"},
        {"zone": "Nowhere/Else", "size": 7},
    ],
)
def test_the_markup_is_wtforms_own(sample, data):
    form = sample(**data)
    for field in form:
        if field.name in {"zone", "size", "kind"}:
            assert isinstance(field.widget, KeptOptionsSelect)
            assert field() == Select()(field)
            assert field(class_="wide") == Select()(field, class_="wide")


def test_the_options_are_written_once_per_list_and_the_choice_afresh(sample, monkeypatch):
    sample(zone="Europe/Oslo").zone()  # the list's options are kept from here on
    written = []
    original = Select.render_option.__func__

    def counted(cls, choice, **kwargs):
        written.append(choice.value)
        return original(cls, choice, **kwargs)

    monkeypatch.setattr(Select, "render_option", classmethod(counted))
    markup = sample(zone="Europe/Riga").zone()
    assert written == ["Europe/Riga", "Europe/Riga"]  # the plain option, then the chosen one
    assert markup.count('<option selected value="Europe/Riga">') == 2
    assert "selected" not in markup.replace('<option selected value="Europe/Riga">', "")
