"""The pages people open, found by walking the intranet as each kind of user does.

For a signed-in client this finds, without a list kept by hand:

- the dashboard and every page its main navigation links to, unfiltered;
- each list's filters applied once (the first choice of every select of its GET form), its
  search with the most frequent word of the data set and with a rare one, its second page;
- one detail page of every kind linked from those pages (a kind is a path with its numbers
  taken out: /meetings/<id>, /subgroups/<id>/threads/<id>);
- every htmx fragment (hx-get) those pages load, asked as htmx asks for it.

A page added later, linked from the navigation or from a page above, is measured with no
change here. Downloads (attachments, exports, calendar files) and pages outside the intranet
are left out; so are links that sign out or would change state on GET (none should).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

HTMX = {"HX-Request": "true"}
WORD = re.compile(r"[a-z]{5,}")
# Never followed: signing out, static files, downloads, the browser's own files.
SKIPPED = re.compile(
    r"^/(logout|static/|login|password|healthz|favicon)|\.(ics|csv|pdf|md|zip|json|xlsx)$"
    r"|/download|/export|/attachments/"
)
# A number or a country code in a path names one object of a kind: /delegations/LV, /meetings/4.
NUMBER = re.compile(r"(?<=/)(\d+|[A-Z]{2,3})(?=/|$)")
MAX_PAGES = 150


@dataclass(frozen=True)
class Found:
    """A page as the walk found it: its kind (the name in the tables) and its address."""

    name: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    search: bool = False


@dataclass
class _Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)
    search_fields: list[str] = field(default_factory=list)


class _Page(HTMLParser):
    """Links (in the navigation or the body), hx-get addresses and GET forms of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nav_links: list[str] = []
        self.links: list[str] = []
        self.fragments: list[str] = []
        self.forms: list[_Form] = []
        self._nav_depth = 0
        self._form: _Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "nav":
            self._nav_depth += 1
        if "hx-get" in attributes:
            self.fragments.append(attributes["hx-get"])
        if tag == "a" and attributes.get("href"):
            (self.nav_links if self._nav_depth else self.links).append(attributes["href"])
        elif tag == "form" and attributes.get("method", "get").lower() == "get":
            self._form = _Form(attributes.get("action", ""))
            self.forms.append(self._form)
        elif self._form is not None and tag == "input":
            kind, name = attributes.get("type", "text"), attributes.get("name", "")
            if not name:
                return
            if kind == "search" or name == "q":
                self._form.search_fields.append(name)
            elif kind == "hidden":
                self._form.fields[name] = attributes.get("value", "")
            elif kind in ("checkbox", "radio"):
                self._form.choices.setdefault(name, []).append(attributes.get("value", "on"))
        elif self._form is not None and tag == "select" and attributes.get("name"):
            self._select = attributes["name"]
            self._form.choices.setdefault(self._select, [])
        elif self._form is not None and tag == "option" and self._select:
            value = attributes.get("value")
            if value:
                self._form.choices[self._select].append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1
        elif tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def kind_of(url: str) -> str:
    """/meetings/12/minutes?page=2 -> /meetings/<id>/minutes: one page of each kind is enough."""
    return NUMBER.sub("<id>", urlsplit(url).path)


def _local(base: str, href: str) -> str | None:
    """The address of `href` on this intranet, or None for other sites, anchors and mail."""
    if href.startswith(("mailto:", "tel:", "javascript:", "webcal:", "#")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.netloc not in ("", "localhost") or SKIPPED.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _with_query(url: str, **values: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(values)
    return f"{parts.path}?{urlencode(query)}"


def frequent_and_rare_words(texts: Iterable[str]) -> tuple[str, str]:
    """The most frequent word of the texts and one that occurs only once (or least often)."""
    counts = Counter(word for text in texts for word in WORD.findall(text.lower()))
    if not counts:
        return "trafficking", "zyxwvut"
    ordered = counts.most_common()
    return ordered[0][0], ordered[-1][0]


class Walker:
    """Walks the intranet with `client` (signed in) and collects the pages people open."""

    def __init__(self, client: Any, role: str, words: tuple[str, str]) -> None:
        self.client = client
        self.role = role
        self.frequent, self.rare = words
        self.found: dict[str, Found] = {}
        self.kinds: set[str] = set()

    def _get(self, url: str, headers: dict[str, str] | None = None) -> _Page | None:
        response = self.client.get(url, headers=headers or {})
        disposition = response.headers.get("Content-Disposition", "")
        if response.status_code != 200 or "attachment" in disposition:
            return None
        if not response.mimetype.startswith("text/html"):
            return None
        page = _Page()
        page.feed(response.get_data(as_text=True))
        return page

    def _add(self, name: str, url: str, *, fragment: bool = False, search: bool = False) -> bool:
        key = f"{self.role}: {name}" + (" (htmx)" if fragment else "")
        if key in self.found or len(self.found) >= MAX_PAGES:
            return False
        self.found[key] = Found(key, url, HTMX if fragment else {}, search)
        return True

    def _add_if_it_answers(self, name: str, url: str, *, search: bool = False) -> None:
        key = f"{self.role}: {name}"
        if key not in self.found and self._get(url) is not None:
            self._add(name, url, search=search)

    def _fragments(self, base: str, page: _Page) -> None:
        for href in page.fragments:
            url = _local(base, href)
            if url and self._get(url, HTMX) is not None:
                self._add(kind_of(url), url, fragment=True)

    def _lists(self, base: str, page: _Page) -> None:
        """Each filter once (a select or box of its GET form, or a link to the same list with
        a filter in its query), each search with a frequent and a rare word, the second page."""
        name = kind_of(base)
        path = urlsplit(base).path
        for form in page.forms:
            action = _local(base, form.action or base)
            if action is None:
                continue
            for field_name, values in form.choices.items():
                if values:
                    url = _with_query(action, **form.fields, **{field_name: values[0]})
                    self._add_if_it_answers(f"{name}?{field_name}=", url)
            for field_name in form.search_fields:
                for label, word in (("frequent word", self.frequent), ("rare word", self.rare)):
                    url = _with_query(action, **form.fields, **{field_name: word})
                    self._add_if_it_answers(f"{name}?{field_name}= ({label})", url, search=True)
        for href in page.links:
            url = _local(base, href)
            if not url or urlsplit(url).path != path:
                continue
            query = dict(parse_qsl(urlsplit(url).query))
            if query.get("page") == "2":
                self._add_if_it_answers(f"{name} (second page)", url)
            elif len(query) == 1 and "page" not in query:
                self._add_if_it_answers(f"{name}?{next(iter(query))}=", url)

    def walk(self) -> list[Found]:
        dashboard = self._get("/")
        if dashboard is None:
            raise RuntimeError(f"the {self.role} cannot open the dashboard")
        self._add("/", "/")
        self.kinds.add("/")
        self._fragments("/", dashboard)
        # The navigation's sections first, then what they and the dashboard link to, two
        # steps deep (a sub-group, then its thread), one page of each kind.
        queue = [(url, 0) for href in dashboard.nav_links if (url := _local("/", href))]
        queue += [(url, 1) for href in dashboard.links if (url := _local("/", href))]
        while queue and len(self.found) < MAX_PAGES:
            url, depth = queue.pop(0)
            kind = kind_of(url)
            if kind in self.kinds:
                continue
            self.kinds.add(kind)
            page = self._get(url)
            if page is None or not self._add(kind, url):
                continue
            self._fragments(url, page)
            if "<id>" not in kind:
                self._lists(url, page)
            if depth < 2:
                queue += [(link, depth + 1) for href in page.links if (link := _local(url, href))]
        return list(self.found.values())
