"""Hostile text typed into any free-text field renders inert wherever the app shows it again."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from werkzeug.datastructures import MultiDict

from tests.security import inert
from tests.security.crawler import Crawler, Field, Form, Page, parse

PAYLOADS = inert.load_payloads()
# Forms that end the session, change the signed-in account or switch features off: posting
# hostile text to them proves nothing and would stop the walk.
NOT_FUZZED = {
    "auth.logout",
    "auth.sign_out_others",
    "auth.change_password",
    "twofactor.confirm",
    "twofactor.disable",
    "twofactor.recovery_codes",
    "views.toggle_plugin",
    "admin_users.set_active",
    "admin_users.change_role",
}


def invalid_fields(text: str) -> set[str]:
    return {
        element.get("name")
        for element in parse(text).iter()
        if element.get("aria-invalid") == "true" and element.get("name")
    }


def candidates(form: Form, f: Field, position: int) -> list[str]:
    """Values to try, in turn, for a field the app refused, as a person would."""
    day = date.today() + timedelta(days=30 + position)
    far = timedelta(days=1100)
    if f.is_free_text:
        return [f.value, "", "Plain words", "LV"]
    return {
        "select": [o for o in (f.value for f in form.fields if f.name == f.name) if o]
        + [o for o in f.options if o],
        "checkbox": [f.value or "on"],
        "radio": [x.value for x in form.fields if x.name == f.name],
        "date": [day.isoformat(), (day + far).isoformat(), (day - far).isoformat()],
        "datetime-local": [f"{day.isoformat()}T10:00", f"{day.isoformat()}T09:00"],
        "email": [f"person{position}@partner.example", "member.se@demo.example"],
        "number": ["2025", "1"],
    }.get(f.kind, ["1"])


def submit_hostile(client: Any, form: Form, payloads: Iterator[str]) -> tuple[list[str], Any]:
    """Post `form` with a payload in each free-text field. A field the app refuses gets a
    plain value instead (its original, empty, a word, a code), an empty date, email or number
    a plausible one, until the app accepts the rest. Returns the fields stored with a payload
    and the last response."""
    fields = {}
    for f in form.fields:
        fields.setdefault(f.name, f)
    position = {name: index for index, name in enumerate(fields)}
    hostile = {f.name: next(payloads) for f in form.free_text}
    tried: dict[str, int] = {}
    fixes: dict[str, str] = {}
    for name, f in fields.items():
        if f.kind in ("date", "datetime-local", "email", "number") and not f.value:
            fixes[name] = candidates(form, f, position[name])[0]
            tried[name] = 0
        group = [x for x in form.fields if x.name == name and x.kind == "checkbox"]
        if len(group) > 1 and not any(x.checked for x in group):
            fixes[name] = group[0].value  # a list to choose from: choose one
    response = None
    for _attempt in range(8):
        data = MultiDict(form.defaults())
        for name, value in {**fixes, **hostile}.items():
            data.setlist(name, [value])
        if form.method == "get":
            return sorted(hostile), client.get(form.action, query_string=data)
        response = client.post(form.action, data=data)
        if response.status_code < 400:
            return sorted(hostile), response
        refused = invalid_fields(response.get_data(as_text=True)) & set(fields)
        if not refused:
            break
        for name in refused:
            hostile.pop(name, None)
            options = candidates(form, fields[name], position[name])
            tried[name] = tried.get(name, -1) + 1
            if tried[name] < len(options):
                fixes[name] = options[tried[name]]
    return [], response


def problems_in(page: Page, allowed_hx: set[str], markers: list[str]) -> list[str]:
    problems = inert.text_problems(page.text, markers)
    kind = page.content_type
    if "html" in kind:
        problems += inert.html_problems(page.tree, allowed_hx)
    elif "csv" in kind:
        problems += inert.csv_problems(page.text)
    elif "calendar" in kind:
        problems += inert.ics_problems(page.text)
    elif "vcard" in kind:
        problems += inert.vcard_problems(page.text)
    elif "atom" in kind:
        problems += inert.atom_problems(page.text, allowed_hx)
    return [f"{page.url}{' (htmx)' if page.fragment else ''}: {p}" for p in problems]


def test_payloads_in_every_free_text_field_render_inert(app, demo, sign_in, outbox):
    client = sign_in(demo["admin"])
    allowed_hx = inert.template_hx_attributes()
    markers = inert.evaluated_markers(PAYLOADS, app.config["SECRET_KEY"])

    before = Crawler(app, client)
    before.crawl("/")
    clean = [p for page in before.pages for p in problems_in(page, allowed_hx, markers)]
    assert clean == [], "the demo data alone trips the check"

    payloads = itertools.cycle(PAYLOADS)
    stored: dict[str, list[str]] = {}
    reflected: list[Page] = []
    shown: set[str] = set()  # the pages a form sent back to: where its object is shown
    for key, form in sorted(before.forms.items()):
        if form.endpoint in NOT_FUZZED or not form.free_text:
            continue
        fields, response = submit_hostile(client, form, payloads)
        assert response.status_code < 500, (key, response.status_code)
        stored[key] = fields
        if fields and response.status_code in (302, 303):
            shown.add(response.headers["Location"].split("#")[0])
        if response.status_code < 300 or response.status_code >= 400:
            content_type = response.headers.get("Content-Type", "")
            reflected.append(
                Page(
                    form.action, False, response.status_code, content_type, response.get_data(True)
                )
            )

    after = Crawler(app, client)
    after.crawl("/")
    # The crawl asks one URL per route; each fuzzed object's own page is asked for as well.
    for url in sorted(shown - {page.url for page in after.pages}):
        for fragment in (False, True):
            after.visit(url, fragment)
    found = [p for page in after.pages + reflected for p in problems_in(page, allowed_hx, markers)]
    kinds = {page.content_type.split(";")[0] for page in after.pages if page.status == 200}
    assert {"text/html", "text/csv", "text/calendar", "text/vcard"} <= kinds, kinds
    assert any(page.fragment for page in after.pages)
    assert outbox(), "no mail sent: the mail sink went untested"
    for message in outbox():
        found += inert.mail_problems(message, allowed_hx)
        found += inert.text_problems(message.as_string(), markers)
    assert found == []

    fuzzed = {key: fields for key, fields in stored.items() if fields}
    print(
        f"{len(PAYLOADS)} payloads; {sum(map(len, fuzzed.values()))} fields in {len(fuzzed)} forms:"
    )
    for key, fields in sorted(stored.items()):
        print(f"  {key}: {', '.join(fields) or 'NOT STORED'}")
    assert len(fuzzed) >= 30
