"""A custom import-linter contract: each app is imported by the others only through its public
surface (``[tool.importlinter]`` in pyproject.toml, ``make lint``).

A module of app A may import, from another app B, only B's ``public`` modules (by default
``models``, ``selectors``, ``services``, ``hooks``, each with its descendants when it is a
package) and the modules named in ``also_public`` (e.g. ``accounts.http``). Everything else
of B is private to B. Unlike a list of ``protected`` contracts, a module added to an app is
private from the day it is written: nobody has to remember to list it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import grimp
from importlinter import Contract, ContractCheck, fields, output


@dataclass(frozen=True)
class _Link:
    importer: str
    imported: str
    line_numbers: tuple[int, ...]


class PublicSurfaceContract(Contract):
    """Options: ``apps`` (the top-level packages), ``public`` (module names public in every
    app), ``also_public`` (full names of further public modules)."""

    type_name = "public_surface"

    apps = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField())
    also_public = fields.ListField(subfield=fields.StringField(), required=False)

    def _names(self, option: str) -> list[str]:
        """An option's strings (the fields are descriptors that read the configuration)."""
        return cast(list[str], getattr(self, option, None) or [])

    def _is_public(self, module: str) -> bool:
        _app, _, rest = module.partition(".")
        if not rest:
            return False  # the app's package itself (its __init__) is not a surface
        if rest.split(".", 1)[0] in self._names("public"):
            return True
        return any(
            module == name or module.startswith(name + ".") for name in self._names("also_public")
        )

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        apps = set(self._names("apps"))
        links: list[_Link] = []
        for importer in sorted(graph.modules):
            importer_app = importer.split(".", 1)[0]
            if importer_app not in apps:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                imported_app = imported.split(".", 1)[0]
                if imported_app == importer_app or imported_app not in apps:
                    continue
                if self._is_public(imported):
                    continue
                details = graph.get_import_details(importer=importer, imported=imported)
                links.append(_Link(importer, imported, tuple(d["line_number"] for d in details)))
        return ContractCheck(kept=not links, warnings=[], metadata={"links": links})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error(
            "Imports of another app's private modules (import its models, selectors, services "
            "or hooks, or one of the modules named in also_public):",
            bold=False,
        )
        output.new_line()
        for link in check.metadata["links"]:
            lines = ", ".join(map(str, link.line_numbers))
            output.print_error(f"- {link.importer} -> {link.imported} (l.{lines})", bold=False)
        output.new_line()
