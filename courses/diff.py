"""A readable line diff between two SOP texts (their Markdown source)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    op: str  # "same", "removed", "added" or "gap" (unchanged lines left out)
    text: str
    old_number: int | None = None
    new_number: int | None = None


def line_diff(old: str, new: str, *, context: int = 2) -> list[DiffLine]:
    """Changed lines with ``context`` unchanged lines around each change; ``[]`` if equal."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    result: list[DiffLine] = []
    groups = list(matcher.get_grouped_opcodes(context))
    for index, group in enumerate(groups):
        _tag, i1, _i2, j1, _j2 = group[0]
        if index > 0 or i1 > 0 or j1 > 0:
            result.append(DiffLine("gap", ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                result += [
                    DiffLine("same", old_lines[i], i + 1, j1 + i - i1 + 1) for i in range(i1, i2)
                ]
                continue
            if tag in ("replace", "delete"):
                result += [
                    DiffLine("removed", old_lines[i], old_number=i + 1) for i in range(i1, i2)
                ]
            if tag in ("replace", "insert"):
                result += [DiffLine("added", new_lines[j], new_number=j + 1) for j in range(j1, j2)]
    if groups:
        _tag, _i1, i2, _j1, j2 = groups[-1][-1]
        if i2 < len(old_lines) or j2 < len(new_lines):
            result.append(DiffLine("gap", ""))
    return result
