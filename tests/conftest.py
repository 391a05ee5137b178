"""The core suite's fixtures: those of `intranet.testing` (the pytest plugin every installation
gets), on an explicit list of plugins, so a third-party plugin installed beside the bundled ones
changes nothing here.

Set INTRANET_TEST_DATABASE_URL to a PostgreSQL server URL (a role that may create databases)
to run the suite on PostgreSQL; otherwise it runs on SQLite files in temporary folders.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from werkzeug.routing import Rule

from intranet import testing
from intranet.testing import (
    PASSWORD,
    POSTGRES_URL,
    Client,
    contributions,
    mail_text,
    migrate,
)
from intranet.testing_databases import postgres_admin as _postgres_admin
from intranet.testing_databases import postgres_url as _postgres_url
from tests import mutant_plugins

mutant_plugins.install()

EXAMPLE_PLUGIN = Path(__file__).parent / "example_plugin"
sys.path.insert(0, str(EXAMPLE_PLUGIN))

__all__ = [
    "PASSWORD",
    "PLUGINS",
    "POSTGRES_URL",
    "Client",
    "_postgres_admin",
    "_postgres_url",
    "base_config",
    "contributions",
    "mail_text",
    "migrate",
]

# The bundled plugins and the example plugin that the core's tests rely on.
PLUGINS = ["governance", "lessons", "meetings", "partners", "subgroups", "example"]


def base_config(tmp_path: Path, database_url: str) -> dict[str, Any]:
    return testing.base_config(tmp_path, database_url, PLUGINS)


@pytest.fixture(scope="session")
def intranet_plugins() -> list[str]:
    return PLUGINS


@pytest.fixture(scope="session", autouse=True)
def example_plugin_in_subprocesses() -> Iterator[None]:
    """Fresh interpreters the tests start load the same plugins (INTRANET_PLUGINS, set by
    intranet.testing), so they must find the example plugin too."""
    with pytest.MonkeyPatch.context() as patch:
        paths = [str(EXAMPLE_PLUGIN), os.environ.get("PYTHONPATH", "")]
        patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, paths)))
        yield


@pytest.fixture(autouse=True)
def plugin_failures_fail_the_test(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    """A hook implementation that raises is logged and left out, so that one plugin cannot
    break every page; in the tests that would hide a crash (mutmut showed a sub-group rule that
    raised on every call passing the suite). Any such failure fails the test, unless it is
    marked `plugin_failure_expected`."""
    yield
    if request.node.get_closest_marker("plugin_failure_expected"):
        return
    failures = [
        record.getMessage()
        for when in ("setup", "call")
        for record in caplog.get_records(when)
        if record.name == "intranet.platform.plugins" and record.exc_info
    ]
    assert not failures, f"a plugin's hook raised: {failures}"


def pytest_configure(config: pytest.Config) -> None:
    """Keeps the URL builders (below). INTRANET_TEST_TODAY=2027-08-03 runs the suite with the
    clock moved to that day (ticking), to find tests that only pass before a calendar date;
    servers the tests start keep the real clock, so the browser and reliability tests are left
    out of such a run."""
    keep_url_builders()
    today = os.environ.get("INTRANET_TEST_TODAY")
    if today:
        import time_machine

        time_machine.travel(datetime.fromisoformat(today).replace(hour=9), tick=True).start()


def keep_url_builders() -> None:
    """Every test creates its own app, and Werkzeug compiles two URL builder functions for each
    of its 220 routes (Python source made and compiled: 45 ms of each test). A builder's code
    depends only on the rule's parsed parts and the names of its defaults (it looks the
    converters up on the rule when called), so the suite keeps one per such key and binds it
    to each new rule as Werkzeug does. A rule whose default fills a part of its path is
    compiled as before; so is everything if Werkzeug no longer has this method."""
    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None or getattr(compile_builder, "kept", False):
        return
    builders: dict[tuple[Any, ...], Callable[..., Any]] = {}

    def kept_builder(rule: Rule, append_unknown: bool = True) -> Callable[..., Any]:
        defaults = rule.defaults or {}
        if any(dynamic and part in defaults for dynamic, part in rule._trace):
            return compile_builder(rule, append_unknown)
        key = (rule.rule, tuple(rule._trace), tuple(map(str, defaults)), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(rule, append_unknown)
        return builders[key]

    kept_builder.kept = True  # type: ignore[attr-defined]
    Rule._compile_builder = kept_builder  # type: ignore[method-assign]


# Tests that start their own servers (the browser journeys' gunicorn and Chromium, the load and
# fault tests' gunicorn) run one after another in one worker of `make test` (pytest-xdist), so
# that a single live server serves every journey and two never compete for the two cores.
LIVE_SERVER_FOLDERS = ("tests/e2e/", "tests/reliability/")


def work_unit(nodeid: str) -> str:
    """What one xdist worker runs as a whole: a test module (its module-scoped worlds are built
    once), or all the live-server tests together."""
    module = nodeid.split("::")[0]
    return "live servers" if module.startswith(LIVE_SERVER_FOLDERS) else module


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadscope` (as `make test` runs) schedules by `work_unit`."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByWorkUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return ByWorkUnit(config, log)
