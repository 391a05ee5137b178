"""Walk the app as a signed-in user: every page reachable by links (and htmx lazy loads), with
the forms found on them, so the security tests reach every field without a hand-kept list."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import html5lib
from flask import Flask
from werkzeug.exceptions import HTTPException

SKIPPED_ENDPOINTS = {"static", "governance.report_pdf"}
TEXT_INPUTS = {"text", "search", "url", "tel", ""}


@dataclass
class Field:
    name: str
    kind: str
    value: str = ""
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    checked: bool = False

    @property
    def is_free_text(self) -> bool:
        return self.kind == "textarea" or self.kind in TEXT_INPUTS


@dataclass
class Form:
    page: str
    action: str
    method: str
    endpoint: str
    fields: list[Field]

    def defaults(self) -> list[tuple[str, str]]:
        """What a browser would send for the form as it stands."""
        pairs = []
        for f in self.fields:
            if f.kind in ("checkbox", "radio"):
                if f.checked:
                    pairs.append((f.name, f.value or "on"))
            elif f.kind == "select":
                for value in f.selected or f.options[:1]:
                    pairs.append((f.name, value))
            elif f.kind not in ("file", "submit"):
                pairs.append((f.name, f.value))
        submit = next((f for f in self.fields if f.kind == "submit"), None)
        if submit:
            pairs.append((submit.name, submit.value))
        if self.fields and not any(f.kind == "radio" and f.checked for f in self.fields):
            for f in self.fields:  # a radio group with nothing chosen: a browser user picks one
                if f.kind == "radio" and all(name != f.name for name, _ in pairs):
                    pairs.append((f.name, f.value))
        return pairs

    @property
    def free_text(self) -> list[Field]:
        return [f for f in self.fields if f.is_free_text]


@dataclass
class Page:
    url: str
    fragment: bool
    status: int
    content_type: str
    text: str
    _tree: Any = None

    @property
    def tree(self) -> Any:
        """The page parsed as a browser would (html5lib), parsed once."""
        if self._tree is None:
            self._tree = parse(self.text)
        return self._tree


def endpoint_of(app: Flask, url: str, method: str = "GET") -> tuple[str, dict[str, Any]] | None:
    parts = urlsplit(url)
    try:
        return app.url_map.bind("localhost").match(parts.path, method=method)
    except HTTPException:
        return None


def parse(text: str) -> Any:
    return html5lib.parse(text, treebuilder="etree", namespaceHTMLElements=False)


def forms_in(app: Flask, page_url: str, tree: Any) -> list[Form]:
    forms = []
    for element in tree.iter("form"):
        method = (element.get("method") or "get").lower()
        action = urljoin(page_url, element.get("action") or page_url)
        match = endpoint_of(app, action, method.upper())
        if match is None:
            continue
        fields = []
        for control in element.iter():
            name = control.get("name")
            if not name:
                continue
            if control.tag == "input":
                kind = (control.get("type") or "").lower()
                fields.append(
                    Field(name, kind, control.get("value", ""), checked="checked" in control.attrib)
                )
            elif control.tag == "textarea":
                fields.append(Field(name, "textarea", control.text or ""))
            elif control.tag == "select":
                options = [o.get("value", o.text or "") for o in control.iter("option")]
                selected = [
                    o.get("value", o.text or "")
                    for o in control.iter("option")
                    if "selected" in o.attrib
                ]
                fields.append(Field(name, "select", options=options, selected=selected))
            elif control.tag == "button" and control.get("type", "submit") == "submit":
                fields.append(Field(name, "submit", control.get("value", "")))
        forms.append(Form(page_url, action, method, match[0], fields))
    return forms


def links_in(tree: Any) -> list[tuple[str, bool]]:
    """Same-site links as (url, fragment): htmx loads an hx-get URL as a fragment."""
    urls = []
    for element in tree.iter():
        for attribute in ("href", "hx-get"):
            value = element.get(attribute)
            if value and value.startswith("/") and not value.startswith("//"):
                urls.append((value.split("#")[0], attribute == "hx-get"))
    return urls


class Crawler:
    """Breadth-first over same-site links, at most `per_endpoint` URLs for each endpoint; the
    htmx fragment of a URL too when its answer varies on HX-Request."""

    def __init__(
        self, app: Flask, client: Any, per_endpoint: int = 1, skip: set[str] = frozenset()
    ):
        self.app = app
        self.client = client
        self.per_endpoint = per_endpoint
        self.skip = SKIPPED_ENDPOINTS | set(skip)
        self.pages: list[Page] = []
        self.forms: dict[str, Form] = {}
        self.reached: Counter[tuple[str, bool]] = Counter()

    def crawl(self, *start: str) -> list[Page]:
        queue = [(url, False) for url in start]
        seen = set(queue)
        while queue:
            url, fragment = queue.pop(0)
            match = endpoint_of(self.app, url)
            if match is None or match[0] in self.skip or match[0].endswith(".static"):
                continue
            rule = self.app.url_map.bind("localhost").match(urlsplit(url).path, return_rule=True)[0]
            if self.reached[rule.rule, fragment] >= self.per_endpoint:
                continue
            self.reached[rule.rule, fragment] += 1
            for link in self.visit(url, fragment):
                for variant in {link, (link[0], False)}:
                    if variant not in seen:
                        seen.add(variant)
                        queue.append(variant)
        return self.pages

    def visit(self, url: str, fragment: bool) -> list[tuple[str, bool]]:
        response = self.client.get(url, headers={"HX-Request": "true"} if fragment else {})
        content_type = response.headers.get("Content-Type", "")
        text = response.get_data(as_text=True) if _is_text(content_type) else ""
        page = Page(url, fragment, response.status_code, content_type, text)
        self.pages.append(page)
        if "html" not in content_type or response.status_code != 200:
            return []
        for form in forms_in(self.app, url, page.tree):
            self.forms.setdefault(f"{form.method} {form.endpoint}", form)
        return links_in(page.tree)


def _is_text(content_type: str) -> bool:
    return content_type.startswith("text/") or any(
        kind in content_type for kind in ("json", "xml", "calendar", "vcard")
    )
