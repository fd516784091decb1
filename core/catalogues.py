"""Compiling gettext catalogues (``.po`` → ``.mo``) in pure Python, so `make run` needs no
gettext tools (``msgfmt``) on the machine. ``manage.py compile_catalogues`` uses it.

Like ``msgfmt`` without ``--use-fuzzy``: fuzzy entries, untranslated entries (any plural form
empty) and obsolete (``#~``) entries are left out, so Django falls back to the English text.
"""

from __future__ import annotations

import ast
import struct
from dataclasses import dataclass, field
from pathlib import Path

MO_MAGIC = 0x950412DE


@dataclass
class _Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False


def _unquote(text: str, path: Path, number: int) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"{path}:{number}: expected a quoted string, got {text!r}")
    value = ast.literal_eval(text)
    if not isinstance(value, str):
        raise ValueError(f"{path}:{number}: not a string")
    return value


def po_entries(path: Path) -> list[_Entry]:
    """The entries of a ``.po`` file (obsolete ``#~`` ones left out)."""
    entries: list[_Entry] = []
    entry = _Entry()
    current: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, current
        if current is not None:
            entries.append(entry)
        entry, current = _Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#"):
            if entry.msgstr:  # a comment after a complete entry starts the next one
                finish()
            if line.startswith("#,") and "fuzzy" in line[2:].replace(",", " ").split():
                entry.fuzzy = True
        elif line.startswith('"'):
            if current is None:
                raise ValueError(f"{path}:{number}: a continuation line without a keyword")
            _append(entry, *current, _unquote(line, path, number))
        else:
            keyword, _sep, rest = line.partition(" ")
            if keyword in {"msgctxt", "msgid"} and entry.msgstr:
                finish()
            value = _unquote(rest, path, number)
            if keyword == "msgctxt":
                entry.msgctxt, current = value, ("msgctxt", 0)
            elif keyword == "msgid":
                entry.msgid, current = value, ("msgid", 0)
            elif keyword == "msgid_plural":
                entry.msgid_plural, current = value, ("msgid_plural", 0)
            elif keyword == "msgstr":
                entry.msgstr[0], current = value, ("msgstr", 0)
            elif keyword.startswith("msgstr[") and keyword.endswith("]"):
                index = int(keyword[7:-1])
                entry.msgstr[index], current = value, ("msgstr", index)
            else:
                raise ValueError(f"{path}:{number}: unknown keyword {keyword!r}")
    finish()
    return entries


def _append(entry: _Entry, name: str, index: int, value: str) -> None:
    if name == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + value
    elif name == "msgid":
        entry.msgid += value
    elif name == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + value
    else:
        entry.msgstr[index] = entry.msgstr.get(index, "") + value


def mo_bytes(entries: list[_Entry]) -> bytes:
    """The ``.mo`` file (GNU format, little-endian, no hash table) of the translated entries."""
    pairs: dict[bytes, bytes] = {}
    for entry in entries:
        forms = [entry.msgstr[i] for i in sorted(entry.msgstr)]
        if entry.msgid and (entry.fuzzy or not forms or not all(forms)):
            continue
        key = entry.msgid
        if entry.msgid_plural is not None:
            key += "\0" + entry.msgid_plural
        if entry.msgctxt is not None:
            key = entry.msgctxt + "\x04" + key
        pairs[key.encode()] = "\0".join(forms).encode()
    keys = sorted(pairs)
    count = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    data_at = translations_at + count * 8
    tables: list[int] = []
    data = b""
    for blob_list in (keys, [pairs[k] for k in keys]):
        for blob in blob_list:
            tables += [len(blob), data_at + len(data)]
            data += blob + b"\0"
    header = struct.pack("<7I", MO_MAGIC, 0, count, originals_at, translations_at, 0, data_at)
    return header + struct.pack(f"<{len(tables)}I", *tables) + data


def compile_catalogue(po_path: Path, *, force: bool = False) -> bool:
    """Write ``<name>.mo`` beside ``po_path`` unless it is newer already. Returns whether it
    was written."""
    mo_path = po_path.with_suffix(".mo")
    if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return False
    mo_path.write_bytes(mo_bytes(po_entries(po_path)))
    return True
