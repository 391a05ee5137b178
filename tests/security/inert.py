"""Checks that what the app sends back carries nothing active that came from user input.

Each checker returns a list of problems (empty when the output is inert). HTML is parsed with
html5lib, which builds the same tree a browser does, so broken tags are judged as a browser
would run them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import html5lib
from icalendar import Calendar

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
CANARY = "xss"
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "background",
    "data",
    "ping",
    "lowsrc",
    "dynsrc",
    "cite",
}
ACTIVE_ELEMENTS = {"iframe", "frame", "object", "embed", "applet", "base", "style", "template"}
# htmx shows these values as text (a confirm dialog); they are never run or requested.
TEXT_HX_ATTRIBUTES = {"hx-confirm", "hx-prompt"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SCHEME_NOISE = re.compile(r"[\x00-\x20\x7f]+")
TEMPLATE_PRODUCT = re.compile(r"(\d{3,})\s*\*\s*(\d+)")


def load_payloads() -> list[str]:
    """The corpus, one payload a line; the two characters \\n and \\r stand for line breaks."""
    lines = (HERE / "xss_payloads.txt").read_text(encoding="utf-8").splitlines()
    return [
        line.replace("\\r", "\r").replace("\\n", "\n")
        for line in lines
        if line.strip() and not line.startswith("#")
    ]


def evaluated_markers(payloads: Iterable[str], secret_key: str) -> list[str]:
    """Strings that appear only if a template engine evaluated a payload."""
    products = {
        str(int(a) * int(b)) for payload in payloads for a, b in TEMPLATE_PRODUCT.findall(payload)
    }
    return [*sorted(products), secret_key, "<built-in function", "<class 'object'>"]


def template_hx_attributes() -> set[str]:
    """The hx-* attribute names the app's own templates emit."""
    names: set[str] = set()
    for folder in (ROOT / "intranet", ROOT / "plugins"):
        for path in folder.rglob("*.html"):
            names.update(re.findall(r"\b((?:data-)?hx-[a-z:-]+)=", path.read_text("utf-8")))
    return names


def _dangerous_url(tag: str, value: str) -> bool:
    squeezed = SCHEME_NOISE.sub("", value).lower()
    if tag == "img" and squeezed.startswith("data:image/"):
        return False  # an image runs no script, e.g. the QR code of two-factor enrolment
    return squeezed.startswith(("javascript:", "data:", "vbscript:"))


def _active_attribute(tag: str, name: str, value: str, allowed_hx: set[str]) -> bool:
    if name.startswith("on") or name in ("style", "srcdoc"):
        return True
    if name.split("}")[-1] in URL_ATTRIBUTES:
        return _dangerous_url(tag, value)
    if name.startswith(("hx-", "data-hx-")) and name not in TEXT_HX_ATTRIBUTES:
        return name not in allowed_hx or CANARY in value.lower()
    return False


def html_problems(html: str | Any, allowed_hx: set[str]) -> list[str]:
    """Active content in an HTML document or fragment (text, or a tree parsed by html5lib) that
    the app's templates would not emit."""
    problems = []
    tree = (
        html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
        if isinstance(html, str)
        else html
    )
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.startswith("{"):
            problems.append(f"foreign element <{tag}>")
            continue
        if tag == "script":
            src = element.get("src", "")
            if (
                "/static/" not in src[:30]
                or not src.startswith("/")
                or (element.text or "").strip()
            ):
                problems.append(f"script element src={src!r} text={element.text!r}")
        elif tag in ACTIVE_ELEMENTS:
            problems.append(f"active element <{tag}>")
        elif tag == "meta" and element.get("http-equiv"):
            problems.append(f"meta http-equiv={element.get('http-equiv')!r}")
        elif tag == "link" and "/static/" not in element.get("href", "")[:30]:
            problems.append(f"link href={element.get('href')!r}")
        for name, value in element.attrib.items():
            name = name.lower() if isinstance(name, str) else str(name)
            if _active_attribute(tag, name, value, allowed_hx):
                problems.append(f"<{tag} {name}={value!r}>")
    return problems


def text_problems(text: str, markers: Iterable[str]) -> list[str]:
    """Evaluated template syntax, in any kind of output."""
    return [f"evaluated template output {marker!r}" for marker in markers if marker in text]


def csv_problems(text: str) -> list[str]:
    """Cells a spreadsheet would run as a formula."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    return [
        f"formula cell {cell!r}"
        for row in rows[1:]
        for cell in row
        if cell.startswith(FORMULA_PREFIXES)
    ]


ICS_COMPONENTS = {"VCALENDAR", "VEVENT", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VALARM"}
ICS_FORBIDDEN = {"ATTACH", "X-ALT-DESC", "X-INJECTED"}


def ics_problems(text: str, events: int | None = None) -> list[str]:
    """Injected components or properties in a calendar feed."""
    problems = []
    calendar = Calendar.from_ical(text)
    found = 0
    for component in calendar.walk():
        if component.name not in ICS_COMPONENTS:
            problems.append(f"unexpected component {component.name}")
        found += component.name == "VEVENT"
        for name, value in component.property_items(recursive=False):
            if name in ICS_FORBIDDEN:
                problems.append(f"injected property {name}")
            if name == "URL" and not str(value).startswith(("http://", "https://")):
                problems.append(f"URL {value!r}")
    if events is not None and found != events:
        problems.append(f"{found} events where {events} were expected")
    return problems


VCARD_PROPERTIES = {
    "BEGIN",
    "END",
    "VERSION",
    "PRODID",
    "FN",
    "N",
    "EMAIL",
    "TEL",
    "ORG",
    "TITLE",
    "ROLE",
    "ADR",
    "NOTE",
    "URL",
    "LANG",
    "CATEGORIES",
    "KIND",
    "UID",
    "REV",
    "TZ",
}


def vcard_problems(text: str) -> list[str]:
    """Injected lines in a vCard: unknown properties, a second card, script URLs."""
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    problems = []
    names = []
    for line in unfolded.splitlines():
        if not line:
            continue
        name = re.split(r"[;:]", line, maxsplit=1)[0].upper()
        names.append(name)
        if name not in VCARD_PROPERTIES:
            problems.append(f"unexpected vCard line {line!r}")
        if name == "URL" and not line.split(":", 1)[1].startswith(("http://", "https://")):
            problems.append(f"vCard {line!r}")
    if names.count("BEGIN") != 1:
        problems.append(f"{names.count('BEGIN')} cards in one vCard")
    return problems


def atom_problems(text: str, allowed_hx: set[str]) -> list[str]:
    """The HTML inside an Atom feed's entries, judged like a page."""
    problems = []
    for element in ElementTree.fromstring(text).iter():  # noqa: S314 - the app's own feed
        if element.get("type") in ("html", "xhtml") and element.text:
            problems += html_problems(element.text, allowed_hx)
    return problems


MAIL_HEADERS = {
    "subject",
    "from",
    "to",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "reply-to",
    "auto-submitted",
    "list-unsubscribe",
    "precedence",
}


def mail_problems(message: EmailMessage, allowed_hx: set[str]) -> list[str]:
    """Injected headers or active HTML in a mail."""
    problems = [
        f"unexpected mail header {name}" for name in message if name.lower() not in MAIL_HEADERS
    ]
    for part in message.walk():
        if part.get_content_type() == "text/html":
            problems += html_problems(part.get_content(), allowed_hx)
    return problems
