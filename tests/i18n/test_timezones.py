"""The time-zone picker: real places grouped by region, common ones first, no aliases."""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from typing import Any

import pytest
from django.test import Client

from accounts.forms import ProfileForm
from core.timezones import COMMON_ZONES, curated_zones, zone_canonical, zone_choices


def test_only_real_places_and_utc_are_offered():
    zones = curated_zones()
    assert 350 < len(zones) < 450  # not the ~600 names of available_timezones()
    assert zones <= zoneinfo.available_timezones()
    for alias in ("Factory", "localtime", "GMT", "Etc/GMT+5", "US/Eastern", "Europe/Kiev", "EST"):
        assert alias not in zones
    assert not [z for z in zones if z.startswith(("posix/", "right/", "Etc/", "SystemV/"))]
    assert {"Europe/Warsaw", "Europe/Kyiv", "America/Argentina/Buenos_Aires", "UTC"} <= zones


def test_common_zones_come_first_then_regions():
    groups = zone_choices()
    names = [name for name, _choices in groups]
    assert names[:3] == ["Common", "Europe", "Americas"]
    common = [value for value, _label in groups[0][1]]
    assert common[0] == "Europe/Warsaw"
    assert common == [z for z in COMMON_ZONES if z in curated_zones()]
    europe = dict(groups[1][1])
    assert europe["Europe/Warsaw"] == "Warsaw"
    assert dict(groups[2][1])["America/Argentina/Buenos_Aires"] == "Argentina – Buenos Aires"
    offered = [value for _name, choices in groups[1:] for value, _label in choices]
    assert len(offered) == len(set(offered)) == len(curated_zones()) - 1  # UTC only in Common


def test_a_stored_alias_is_shown_in_other_until_changed():
    def groups(zone: str) -> list:
        field: Any = ProfileForm(current_time_zone=zone).fields["time_zone"]
        return list(field.choices)

    assert groups("US/Eastern")[-1] == ("Other", [("US/Eastern", "US/Eastern")])
    assert groups("Europe/Warsaw")[-1][0] != "Other"


@pytest.mark.parametrize(
    ("reported", "offered"),
    [
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("US/Pacific", "America/Los_Angeles"),
        ("Europe/Warsaw", "Europe/Warsaw"),
        ("Nowhere/Land", "Nowhere/Land"),
    ],
)
def test_browser_names_become_the_offered_zone(reported, offered):
    assert zone_canonical(reported) == offered


def test_the_profile_page_has_the_grouped_searchable_picker(member):
    client = Client()
    client.force_login(member)
    body = client.get("/accounts/profile/").content.decode()
    select = re.search(r'<select name="time_zone"[^>]*>', body)
    assert select
    assert "data-zone-picker" in select.group(0)
    assert body.count("<optgroup") == 11  # Common and ten regions
    assert '<optgroup label="Common">' in body
    assert "Factory" not in body
    assert "/static/js/zone_picker.js" in body


@pytest.mark.parametrize(
    ("zone", "ok"),
    [("Europe/Warsaw", True), ("UTC", True), ("Factory", False), ("Etc/GMT+5", False)],
)
def test_the_profile_accepts_only_offered_zones(member, zone, ok):
    client = Client()
    client.force_login(member)
    response = client.post(
        "/accounts/profile/", {"name": member.name, "time_zone": zone, "language": "en"}
    )
    member.refresh_from_db()
    assert (response.status_code == 302) is ok
    assert (member.time_zone == zone) is ok


def test_places_are_named_in_the_readers_language():
    """Was: English city names on Polish pages, and "warsz" found nothing."""
    from django.utils import translation

    with translation.override("pl"):
        groups = zone_choices()
    common = dict(groups[0][1])
    assert common["Europe/Warsaw"] == "Warszawa (Europa)"
    europe = dict(groups[1][1])
    assert (europe["Europe/Warsaw"], europe["Europe/Kyiv"], europe["Europe/Zurich"]) == (
        "Warszawa",
        "Kijów",  # CLDR keys it under its old name, Europe/Kiev
        "Zurych",
    )
    americas = dict(groups[2][1])
    assert americas["America/New_York"] == "Nowy Jork"
    assert americas["America/Argentina/Buenos_Aires"] == "Argentyna – Buenos Aires"
    assert americas["America/Indiana/Knox"] == "Knox, Indiana"
    # A–Z by the letters, whatever the accents
    labels = [label for _value, label in groups[1][1]]

    def letters(label: str) -> str:
        folded = unicodedata.normalize("NFKD", label.replace("Ł", "L").replace("ł", "l"))
        return "".join(c for c in folded if not unicodedata.combining(c)).casefold()

    assert labels == sorted(labels, key=letters)
