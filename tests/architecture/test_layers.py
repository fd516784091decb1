"""The import contracts in pyproject.toml ([tool.importlinter]) hold, and they bite.

`lint-imports` runs in a subprocess on the source tree (no Django, no database). The second
group of tests copies the tree, plants violations in the copy and checks that each contract
reports them, so a contract that silently stopped checking anything would fail here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The virtualenv running the tests (.venv/bin, or $(VENV)/bin under make) has the script.
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
COPY_IGNORE = shutil.ignore_patterns(
    ".venv",
    "node_modules",
    ".git",
    "var",
    "artifacts",
    "__pycache__",
    ".import_linter_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
)


def contract_names() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return {contract["id"]: contract["name"] for contract in contracts}


def lint_imports(cwd: Path, *contract_ids: str) -> subprocess.CompletedProcess[str]:
    assert LINT_IMPORTS.exists(), f"{LINT_IMPORTS} is missing: install requirements/dev.txt"
    args = [str(LINT_IMPORTS), "--no-cache", "--no-logo"]
    for contract_id in contract_ids:
        args += ["--contract", contract_id]
    # The copy's packages must win over anything on PYTHONPATH; lint-imports puts cwd first.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["COLUMNS"] = "200"  # no wrapped lines in the report
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_import_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in contract_names().values():
        assert f"{name} KEPT" in result.stdout, result.stdout


@pytest.fixture(scope="module")
def broken_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with an upward import in core and a cycle inside core."""
    copy = tmp_path_factory.mktemp("architecture") / "project"
    shutil.copytree(ROOT, copy, ignore=COPY_IGNORE, symlinks=True)
    errors = copy / "core" / "errors.py"
    assert errors.exists(), "core/errors.py moved: plant the upward import somewhere else in core"
    with errors.open("a", encoding="utf-8") as f:
        f.write("\nimport home  # noqa\n")
    (copy / "core" / "zz_cycle_a.py").write_text("import core.zz_cycle_b  # noqa\n")
    (copy / "core" / "zz_cycle_b.py").write_text("import core.zz_cycle_a  # noqa\n")
    charts = copy / "practice" / "charts.py"
    assert charts.exists(), "practice/charts.py moved: plant the private import somewhere else"
    with charts.open("a", encoding="utf-8") as f:  # allowed by the layers, not by the surfaces
        f.write("\nimport qa.reviews.files  # noqa\nimport accounts.http  # noqa\n")
    return copy


@pytest.mark.parametrize("contract_id", ["layers", "core-imports-no-app"])
def test_an_upward_import_breaks_the_layer_contracts(broken_copy: Path, contract_id: str):
    name = contract_names()[contract_id]
    result = lint_imports(broken_copy, contract_id)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"{name} BROKEN" in output, output
    assert "core.errors -> home" in output, output


def test_a_cycle_inside_an_app_breaks_the_acyclic_contract(broken_copy: Path):
    name = contract_names()["no-cycles-inside-apps"]
    result = lint_imports(broken_copy, "no-cycles-inside-apps")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"{name} BROKEN" in output, output
    assert "No cycles are allowed in core." in output, output
    assert ".zz_cycle_a" in output or ".zz_cycle_b" in output, output


def test_a_private_module_of_another_app_breaks_the_public_surface_contract(broken_copy: Path):
    name = contract_names()["public-surfaces"]
    result = lint_imports(broken_copy, "public-surfaces")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"{name} BROKEN" in output, output
    assert "practice.charts -> qa.reviews.files" in output, output
    # A module on the named list stays allowed.
    assert "accounts.http" not in output.split("BROKEN", 1)[1], output
