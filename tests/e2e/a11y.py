"""Accessibility checks with axe-core (installed from npm by ``make test``, served locally).

The app's Content-Security-Policy allows scripts from its own origin only, so axe-core is not
injected inline: the page asks for ``/__axe.min.js`` and Playwright answers that request with
the file from ``node_modules``. The page's CSP stays in force while axe runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require
from tests.e2e.conftest import assert_no_browser_errors, shot

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL = "/__axe.min.js"
# What fails a test. "moderate" and "minor" findings are reported by axe but not enforced.
FAILING_IMPACTS = ("serious", "critical")


def _axe_route(route: Any) -> None:
    route.fulfill(
        status=200, path=str(AXE), headers={"Content-Type": "text/javascript; charset=utf-8"}
    )


def _violation_report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(page: Any, name: str) -> None:
    """Run axe-core on the current page: no serious or critical violation. Also saves the
    screenshot ``name`` and fails on any console or page error so far."""
    require(AXE.exists(), f"axe-core at {AXE} (npm ci)")
    page.wait_for_load_state("load")
    shot(page, name)
    if not getattr(page, "_axe_routed", False):
        page.route(f"**{AXE_URL}", _axe_route)
        page._axe_routed = True
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    result = page.evaluate(
        "async () => { const r = await window.axe.run(document);"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " helpUrl: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target,"
        " failureSummary: n.failureSummary}))})); }"
    )
    assert_no_browser_errors(page)
    failing = [v for v in result if v["impact"] in FAILING_IMPACTS]
    if failing:
        pytest.fail(
            f"axe-core: {len(failing)} serious or critical accessibility violation(s) on "
            f"{page.url} ({name}):\n{_violation_report(failing)}",
            pytrace=False,
        )
