"""The Polish catalogue is complete: every string of the code is in it, translated, not fuzzy,
with every plural form. A language is offered (settings.LANGUAGES) only when this holds.

These tests read the committed ``locale/pl/LC_MESSAGES/*.po``; the tests of the checks
themselves (``test_checks_*``) use small catalogues written here.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from django.conf import settings

from tests.i18n.catalogues import catalogue_problems, missing_from

LOCALE = Path(settings.BASE_DIR) / "locale"


def offered() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def test_only_english_and_polish_are_offered():
    assert [code for code, _name in settings.LANGUAGES] == ["en", "pl"]


@pytest.mark.parametrize("language", offered())
def test_every_string_of_the_code_is_in_the_catalogue(extracted, language):
    missing = {
        domain: missing_from(LOCALE / language / "LC_MESSAGES" / f"{domain}.po", path)
        for domain, path in extracted.items()
    }
    missing = {domain: strings for domain, strings in missing.items() if strings}
    assert not missing, (
        f"`make makemessages` would add these to locale/{language}/LC_MESSAGES "
        "(translate them there):\n"
        + "\n".join(f"{d}.po: {s}" for d, strings in missing.items() for s in strings[:200])
    )


@pytest.mark.parametrize("language", offered())
def test_every_string_in_the_catalogue_is_translated(extracted, language):
    problems = []
    for domain in extracted:
        path = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
        if not path.exists():
            problems.append(f"{path.relative_to(settings.BASE_DIR)} does not exist")
            continue
        problems += [f"{domain}.po: {p}" for p in catalogue_problems(path)]
    assert not problems, "\n".join(problems[:300])


# --- the checks themselves, on small catalogues -------------------------------------------

HEADER = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=3; "
"plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"

"""


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return path


def test_checks_find_untranslated_fuzzy_plural_and_placeholder_problems(tmp_path):
    path = write(
        tmp_path,
        "django.po",
        """\
        msgid "Save"
        msgstr "Zapisz"

        msgid "Cancel"
        msgstr ""

        #, fuzzy
        msgid "Log out"
        msgstr "Wyloguj"

        msgid "%(n)d day"
        msgid_plural "%(n)d days"
        msgstr[0] "%(n)d dzień"
        msgstr[1] "%(n)d dni"
        msgstr[2] ""

        msgid "%(n)d hour"
        msgid_plural "%(n)d hours"
        msgstr[0] "godzina"
        msgstr[1] "%(n)d godziny"
        msgstr[2] "%(n)d godzin"

        msgctxt "month"
        msgid "May"
        msgstr "Maj"

        msgid "Hello %(name)s"
        msgstr "Cześć %(imie)s"

        #~ msgid "Old"
        #~ msgstr ""
        """,
    )
    assert catalogue_problems(path) == [
        "untranslated: 'Cancel'",
        "fuzzy: 'Log out'",
        "plural forms missing: '%(n)d day'",
        "unknown placeholder ['%(imie)s']: 'Hello %(name)s'",
    ]


def test_checks_find_strings_the_catalogue_lacks(tmp_path):
    committed = write(
        tmp_path,
        "committed.po",
        """\
        msgid "Save"
        msgstr "Zapisz"

        msgctxt "month"
        msgid "May"
        msgstr "Maj"

        #~ msgid "Gone"
        #~ msgstr "Nie ma"
        """,
    )
    extracted = write(
        tmp_path,
        "extracted.po",
        """\
        msgid "Save"
        msgstr ""

        msgid "May"
        msgstr ""

        msgctxt "month"
        msgid "May"
        msgstr ""

        msgid "Gone"
        msgstr ""
        """,
    )
    assert missing_from(committed, extracted) == ["'Gone'", "'May'"]
    assert missing_from(tmp_path / "absent.po", extracted) == [
        "'Gone'",
        "'May'",
        "'Save'",
        "month | 'May'",
    ]


def test_checks_pass_on_a_complete_catalogue_of_todays_strings(extracted, tmp_path):
    import polib  # type: ignore[import-untyped,unused-ignore]

    for domain, path in extracted.items():
        po = polib.pofile(str(path))
        for entry in po:
            if entry.msgid_plural:
                entry.msgstr_plural = dict.fromkeys(range(4), f"«{entry.msgid_plural}»")
            else:
                entry.msgstr = f"«{entry.msgid}»"
        done = tmp_path / f"{domain}.po"
        po.save(str(done))
        assert catalogue_problems(done) == []
        assert missing_from(done, path) == []
