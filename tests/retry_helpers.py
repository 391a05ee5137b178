"""Sending one form submission twice, as a browser retrying after a dropped answer does."""

from __future__ import annotations

import re
from typing import Any

from intranet.testing import Client


def submission_token(page: Any) -> str:
    """The one-time submission token of the (first) form on `page`."""
    html = page.get_data(as_text=True)
    match = re.search(r'name="submission_token" value="([\w-]+)"', html)
    assert match, "the form carries no submission token"
    return match.group(1)


def submit_twice(
    client: Client, form_url: str, data: dict[str, Any], action: str | None = None, **kwargs: Any
) -> tuple[Any, Any]:
    """Open the form at `form_url`, then send the same filled-in submission twice."""
    page = client.get(form_url)
    assert page.status_code == 200
    sent = {**data, "submission_token": submission_token(page)}
    first = client.submit(action or form_url, sent, **kwargs)
    second = client.submit(action or form_url, sent, **kwargs)
    return first, second
