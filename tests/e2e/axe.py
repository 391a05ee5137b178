"""axe-core (npm, pinned in package.json) run inside a page: the accessibility rules a page breaks.

The script is injected by the test, not served by the intranet, so the page's context must be
opened with ``bypass_csp=True`` (the CSP forbids inline scripts, which is what an injected file
becomes). Only the accessibility journeys open such a context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")

RUN_AXE = """
async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.slice(0, 5).map((node) => node.target.join(" ")),
  }));
}
"""


@dataclass(frozen=True)
class Violation:
    path: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.path}: [{self.impact}] {self.rule}: {self.help} at {', '.join(self.targets)}"


def axe_violations(page: Any) -> list[Violation]:
    """Every axe-core violation on the page as it is now, whatever its impact."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    path = re.sub(r"^https?://[^/]+", "", page.url)
    return [
        Violation(path, found["id"], found["impact"], found["help"], tuple(found["targets"]))
        for found in page.evaluate(RUN_AXE)
    ]


def blocking(violations: list[Violation]) -> list[Violation]:
    return [violation for violation in violations if violation.impact in BLOCKING_IMPACTS]
