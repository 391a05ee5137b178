"""Random and hostile values posted to every form: never a 500, never a partial write."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from intranet.extensions import db
from intranet.testing import tables_of_other_plugins
from tests.security import inert
from tests.security.crawler import Crawler
from tests.security.test_xss import NOT_FUZZED

PAYLOADS = inert.load_payloads()
EXAMPLES = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(PAYLOADS),
    st.sampled_from(["", " ", "\x00", "x" * 70_000, "0", "-1", "1e309", "NaN", "9" * 30]),
    st.integers().map(str),
    st.dates().map(str),
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8),
)
# A field is left out, sent once, or sent twice with different values.
field_values = st.one_of(
    st.none(), values.map(lambda v: [v]), st.lists(values, min_size=2, max_size=2)
)


# Refused attempts are recorded in the audit log on purpose; that is no partial write.
RECORDS_REFUSALS = {"audit_event"}


def row_counts() -> dict[str, int]:
    """The number of rows in every table but the audit log, in one query."""
    skipped = RECORDS_REFUSALS | tables_of_other_plugins()
    tables = [t for t in db.metadata.sorted_tables if t.name not in skipped]
    counts = [sa.select(sa.func.count()).select_from(t).scalar_subquery() for t in tables]
    db.session.commit()
    row = db.session.execute(sa.select(*counts)).one()
    return dict(zip([t.name for t in tables], row, strict=True))


def posting_targets(app: Any, crawler: Crawler) -> dict[str, tuple[str, list[str]]]:
    """Every POST endpoint of the URL map: the action and field names of a form found for it
    in the walk, or the rule with ids filled in and no known fields."""
    targets: dict[str, tuple[str, list[str]]] = {}
    for form in crawler.forms.values():
        if form.method == "post":
            targets[form.endpoint] = (form.action, sorted({f.name for f in form.fields}))
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and rule.endpoint not in targets:
            url = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", rule.rule)
            targets[rule.endpoint] = (re.sub(r"<(?:[^:>]+:)?[^>]+>", "1", url), [])
    return {k: v for k, v in targets.items() if k not in NOT_FUZZED}


class Tally:
    """Answers seen so far, and the row counts after the last request."""

    def __init__(self) -> None:
        self.answers: Counter[int] = Counter()
        self.counts = row_counts()


def fuzz_form(client: Any, token: str, endpoint: str, action: str, names: list[str], tally: Tally):
    fields = {name: field_values for name in names if name != "csrf_token"}

    @EXAMPLES
    @given(
        fields=st.fixed_dictionaries(fields),
        extra=st.dictionaries(st.text(min_size=1, max_size=10), values, max_size=2),
        htmx=st.booleans(),
    )
    def post_hostile(fields: dict[str, Any], extra: dict[str, str], htmx: bool) -> None:
        data = MultiDict(list(extra.items()))
        for name, sent in fields.items():
            if sent is not None:
                data.setlist(name, sent)
        data.setlist("csrf_token", [token])
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.post(action, data=data, headers=headers)
        tally.answers[response.status_code] += 1
        assert response.status_code < 500, (endpoint, action, dict(data.lists()))
        before, tally.counts = tally.counts, row_counts()
        if response.status_code >= 400:
            changed = {t: (before[t], n) for t, n in tally.counts.items() if n != before[t]}
            assert changed == {}, (endpoint, response.status_code, dict(data.lists()))

    post_hostile()


def test_hostile_values_in_every_form_never_break_the_app(app, demo, sign_in):
    client = sign_in(demo["admin"])
    crawler = Crawler(app, client)
    crawler.crawl("/")
    targets = posting_targets(app, crawler)
    assert len(targets) >= 60, sorted(targets)
    token = client.csrf_token()
    tally = Tally()
    for endpoint, (action, names) in sorted(targets.items()):
        fuzz_form(client, token, endpoint, action, names, tally)
    print(f"{len(targets)} form endpoints; answers: {dict(sorted(tally.answers.items()))}")
