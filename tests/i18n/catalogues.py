"""Helpers for the catalogue and pseudo-locale tests: extract the code's strings with
``makemessages`` into a throwaway folder, check a catalogue, build a pseudo catalogue."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import polib  # type: ignore[import-untyped,unused-ignore]
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

BASE_DIR = Path(settings.BASE_DIR)
# The same folders the Makefile's `makemessages` target leaves out.
IGNORED = {".venv", "node_modules", "tests", "scripts", "var", "artifacts", "locale"}
DOMAINS = ("django", "djangojs")
EXTENSIONS = {"django": ["html", "txt", "py", "svg"], "djangojs": ["js"]}  # as the Makefile
PSEUDO_OPEN, PSEUDO_CLOSE = "⟦", "⟧"
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")

# Django's Polish plural rule (nplurals=4: the fourth form is for fractions).
PL_PLURAL_FORMS = (
    "nplurals=4; plural=(n==1 ? 0 : (n%10>=2 && n%10<=4) && (n%100<12 || n%100>14) ? 1 : "
    "n!=1 && (n%10>=0 && n%10<=1) || (n%10>=5 && n%10<=9) || (n%100>=12 && n%100<=14) ? 2 : 3);"
)


@contextmanager
def _chdir(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def extract(workdir: Path, *, locale: str = "pl") -> dict[str, Path]:
    """Run ``makemessages`` for ``locale`` over the project into ``workdir`` and return the
    ``.po`` file of each domain that has strings.

    makemessages writes next to the nearest ``locale`` folder it finds, so it runs in a folder
    of symlinks to the project's files (without ``locale/``): the committed catalogue is
    never touched.
    """
    source, out = workdir / "src", workdir / "out"
    source.mkdir(parents=True)
    out.mkdir()
    for entry in BASE_DIR.iterdir():
        if entry.name in IGNORED or entry.name.startswith("."):
            continue
        (source / entry.name).symlink_to(entry)
    with override_settings(LOCALE_PATHS=[str(out)]), _chdir(source):
        for domain in DOMAINS:
            call_command(
                "makemessages",
                locale=[locale],
                domain=domain,
                extensions=EXTENSIONS[domain],
                symlinks=True,
                ignore_patterns=sorted(IGNORED),
                no_obsolete=True,
                verbosity=0,
            )
    found = {}
    for domain in DOMAINS:
        path = out / locale / "LC_MESSAGES" / f"{domain}.po"
        if path.exists() and len(polib.pofile(str(path))) > 0:
            found[domain] = path
    return found


def entry_key(entry: polib.POEntry | polib.MOEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def _placeholders(text: str) -> set[str]:
    return {p for p in PLACEHOLDER.findall(text) if p != "%%"}


def catalogue_problems(path: Path) -> list[str]:
    """Every entry of the catalogue at ``path`` that would show English or break: untranslated,
    fuzzy, a plural form missing (the header's ``nplurals``), or a placeholder in the
    translation that the English text does not have (a KeyError when rendered)."""
    po = polib.pofile(str(path))
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    nplurals = int(match.group(1)) if match else None
    problems = []
    if nplurals is None:
        problems.append(f"{path.name}: the header has no Plural-Forms")
    for entry in po:
        if entry.obsolete:
            continue
        where = f"{entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {where}")
            continue
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            wanted = range(nplurals or len(forms) or 1)
            if any(not forms.get(i) for i in wanted):
                problems.append(f"plural forms missing: {where}")
                continue
            translations = list(forms.values())
            allowed = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural)
        else:
            if not entry.msgstr:
                problems.append(f"untranslated: {where}")
                continue
            translations = [entry.msgstr]
            allowed = _placeholders(entry.msgid)
        for text in translations:
            extra = _placeholders(text) - allowed
            if extra:
                problems.append(f"unknown placeholder {sorted(extra)}: {where}")
                break
    return problems


def missing_from(committed: Path | None, extracted: Path) -> list[str]:
    """Strings the code has (``extracted``) that the committed catalogue lacks."""
    have = set()
    if committed is not None and committed.exists():
        have = {entry_key(e) for e in polib.pofile(str(committed)) if not e.obsolete}
    return sorted(
        f"{ctx + ' | ' if ctx else ''}{msgid!r}"
        for ctx, msgid in {entry_key(e) for e in polib.pofile(str(extracted))} - have
    )


def pseudo(text: str) -> str:
    return f"{PSEUDO_OPEN}{text}{PSEUDO_CLOSE}"


def _installed_catalogues(language: str) -> Iterable[Path]:
    """The compiled catalogues Django merges for ``language`` besides ours: its own and every
    installed app's (admin, auth, DRF…)."""
    import django

    dirs = [Path(django.__file__).parent / "conf" / "locale"]
    dirs += [Path(app.path) / "locale" for app in apps.get_app_configs()]
    for base in dirs:
        yield from (base / language / "LC_MESSAGES").glob("django.mo")


def build_pseudo_catalogue(extracted: Path, target: Path, *, language: str = "pl") -> Path:
    """A throwaway ``<target>/<language>/LC_MESSAGES/django.mo`` in which every string the
    project and Django's apps translate is wrapped in ⟦ ⟧, so text that never went through a
    translation function shows up unwrapped."""
    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": language,
        "Plural-Forms": PL_PLURAL_FORMS,
    }
    nplurals = 4
    seen: set[tuple[str, str]] = set()
    sources: list[Iterable[polib.POEntry | polib.MOEntry]] = [polib.pofile(str(extracted))]
    sources += [polib.mofile(str(path)) for path in _installed_catalogues(language)]
    for source in sources:
        for entry in source:
            key = entry_key(entry)
            if not entry.msgid or key in seen:
                continue
            seen.add(key)
            new = polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid)
            if entry.msgid_plural:
                new.msgid_plural = entry.msgid_plural
                new.msgstr_plural = {
                    i: pseudo(entry.msgid if i == 0 else entry.msgid_plural)
                    for i in range(nplurals)
                }
            else:
                new.msgstr = pseudo(entry.msgid)
            po.append(new)
    folder = target / language / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    po.save_as_mofile(str(folder / "django.mo"))
    return folder / "django.mo"
