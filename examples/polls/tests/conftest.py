"""The fixtures come from `intranet.testing` (installed with the intranet); this plugin's
tests load the core and this plugin alone, whatever else is installed beside it."""

import pytest


@pytest.fixture(scope="session")
def intranet_plugins() -> list[str]:
    return ["polls"]
