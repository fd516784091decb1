"""Local formats: dates, numbers and percentages as the person's language writes them, in
their zone; counts through ngettext with Polish's plural forms; the catalogue compiler."""

from __future__ import annotations

import gettext
import textwrap
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polib  # type: ignore[import-untyped,unused-ignore]
import pytest
from django.template import Context, Template
from django.test import Client, override_settings
from django.utils import timezone, translation

from core.catalogues import compile_catalogue
from core.formats import percent_format
from core.templatetags.readiness import due_label
from qa import services as qa_services
from tests.i18n.catalogues import PL_PLURAL_FORMS


@pytest.mark.parametrize(
    ("language", "value", "decimals", "expected"),
    [
        pytest.param("en", 80, 0, "80%", id="en"),
        pytest.param("pl", 80, 0, "80%", id="pl"),  # CLDR: Polish writes no space
        pytest.param("en", 12.46, 1, "12.5%", id="en-decimal"),
        pytest.param("pl", 12.46, 1, "12,5%", id="pl-decimal-comma"),
        pytest.param("de", 80, 0, "80\u00a0%", id="de-no-break-space"),
        pytest.param("fr", 80, 0, "80\u202f%", id="fr-narrow-no-break-space"),
        pytest.param("en", -0.2, 0, "0%", id="no-minus-zero"),
        pytest.param("en", None, 0, "", id="none"),
    ],
)
def test_percentages_as_each_language_writes_them(language, value, decimals, expected):
    with translation.override(language):
        assert percent_format(value, decimals) == expected


def test_the_as_percent_filter():
    template = Template("{% load readiness %}{{ a|as_percent }} {{ b|as_percent:1 }}")
    with translation.override("pl"):
        assert template.render(Context({"a": 80, "b": 33.333})) == "80% 33,3%"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Nov. 26, 2026"), ("pl", "26 listopada 2026")],
)
def test_dates_in_the_persons_language(language, expected):
    template = Template('{{ day|date:"DATE_FORMAT" }}')
    with translation.override(language):
        assert template.render(Context({"day": date(2026, 11, 26)})) == expected


def test_times_in_the_persons_zone():
    moment = datetime(2026, 11, 26, 23, 30, tzinfo=ZoneInfo("UTC"))
    template = Template('{{ moment|date:"DATETIME_FORMAT" }}')
    with translation.override("pl"), timezone.override(ZoneInfo("Europe/Warsaw")):
        assert template.render(Context({"moment": moment})) == "27 listopada 2026 00:30"


@pytest.fixture
def polish_like_catalogue(tmp_path: Path):
    """A tiny Polish catalogue with the three (Django: four) forms of "day"."""
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": PL_PLURAL_FORMS}
    po.append(
        polib.POEntry(
            msgid="Due in %(n)d day",
            msgid_plural="Due in %(n)d days",
            msgstr_plural={
                0: "Termin za %(n)d dzień",
                1: "Termin za %(n)d dni (2-4)",
                2: "Termin za %(n)d dni",
                3: "Termin za %(n)d dnia",
            },
        )
    )
    folder = tmp_path / "pl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po.save_as_mofile(str(folder / "django.mo"))
    with override_settings(LOCALE_PATHS=[str(tmp_path)]):
        yield
    translation.activate("en")


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (2, "Termin za 2 dni (2-4)"),
        (5, "Termin za 5 dni"),
        (12, "Termin za 12 dni"),
        (22, "Termin za 22 dni (2-4)"),
        (25, "Termin za 25 dni"),
    ],
)
def test_counts_take_the_polish_plural_form(polish_like_catalogue, days, expected):
    with translation.override("pl"):
        assert due_label(timezone.localdate() + timedelta(days=days)) == expected


def test_the_findings_csv_writes_iso_dates_in_the_viewers_zone(lead, member, catalogue):
    lead.time_zone = "Europe/Warsaw"
    lead.save()
    qa_services.finding_record(
        reviewer=lead,
        agent=member,
        interaction_ref="T-1",
        criterion="Greeting",
        skill=catalogue["escalations"],
        occurred_at=datetime(2026, 1, 15, 23, 30, tzinfo=ZoneInfo("UTC")),
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="pl")
    client.force_login(lead)
    team = lead.memberships.get().team
    response: Any = client.get(f"/teams/{team.pk}/findings.csv")
    body = b"".join(response.streaming_content).decode()
    header, row = body.lstrip("\ufeff").splitlines()[:2]
    assert header.startswith("occurred_at,agent_email,")  # machine names: imports keep working
    assert row.startswith("2026-01-16T00:30:00+01:00,")


# --- compile_catalogues: the .mo `make` builds without gettext's tools --------------------


def test_the_compiler_writes_what_gettext_reads(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        textwrap.dedent(
            f"""\
            msgid ""
            msgstr ""
            "Content-Type: text/plain; charset=UTF-8\\n"
            "Plural-Forms: {PL_PLURAL_FORMS}\\n"

            msgid "Save"
            msgstr "Zapisz"

            msgctxt "month"
            msgid "May"
            msgstr "maj"

            msgid "%(n)d day"
            msgid_plural "%(n)d days"
            msgstr[0] "%(n)d dzień"
            msgstr[1] "%(n)d dni"
            msgstr[2] "%(n)d dni"
            msgstr[3] "%(n)d dnia"

            msgid ""
            "A long "
            "text"
            msgstr ""
            "Długi "
            "tekst \\"cytat\\"\\n"

            #, fuzzy
            msgid "Cancel"
            msgstr "Anuluj"

            msgid "Log out"
            msgstr ""

            #~ msgid "Old"
            #~ msgstr "Stare"
            """
        ),
        encoding="utf-8",
    )
    assert compile_catalogue(po) is True
    assert compile_catalogue(po) is False  # up to date
    with (tmp_path / "django.mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    assert catalog.gettext("Save") == "Zapisz"
    assert catalog.pgettext("month", "May") == "maj"
    assert catalog.ngettext("%(n)d day", "%(n)d days", 1) == "%(n)d dzień"
    assert catalog.ngettext("%(n)d day", "%(n)d days", 3) == "%(n)d dni"
    assert catalog.gettext("A long text") == 'Długi tekst "cytat"\n'
    assert catalog.gettext("Cancel") == "Cancel"  # fuzzy: left out
    assert catalog.gettext("Log out") == "Log out"  # untranslated: left out
    assert catalog.gettext("Old") == "Old"
