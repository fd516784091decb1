"""The time zones people pick from: the places of the tz database's ``zone.tab`` (one or more
canonical zones per country), grouped by region, the common ones first, plus UTC.

``zoneinfo.available_timezones()`` has about 600 names, many of them aliases and oddities
("Factory", "localtime", "Etc/GMT+5", "US/Eastern", "posix/…"): those are not offered. Any
valid zone still validates (``accounts.models.validate_time_zone``), so a zone stored earlier
keeps working; the profile form offers it in an "Other" group until the person picks another.
"""

from __future__ import annotations

import unicodedata
import zoneinfo
from functools import cache
from importlib import resources
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Offered first: where the teams are (Polish and other European customer service) and the
# world's most used business zones.
COMMON_ZONES = (
    "Europe/Warsaw",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Kyiv",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)

REGIONS: dict[str, Promise] = {
    "Europe": _("Europe"),
    "America": _("Americas"),
    "Africa": _("Africa"),
    "Asia": _("Asia"),
    "Australia": _("Australia"),
    "Pacific": _("Pacific"),
    "Atlantic": _("Atlantic"),
    "Indian": _("Indian Ocean"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
}

ZoneChoices = list[tuple[str, str]]


def _zone_tab() -> str:
    """``zone.tab`` from the ``tzdata`` package, else the system's."""
    try:
        return resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text()
    except (ModuleNotFoundError, FileNotFoundError):
        return Path("/usr/share/zoneinfo/zone.tab").read_text()


@cache
def curated_zones() -> frozenset[str]:
    """Every zone offered: the canonical places of ``zone.tab`` that this machine knows, and
    UTC."""
    available = zoneinfo.available_timezones()
    names = {
        line.split("\t")[2]
        for line in _zone_tab().splitlines()
        if line and not line.startswith("#") and line.count("\t") >= 2
    }
    return frozenset({name for name in names if name in available} | {"UTC"})


def zone_label(name: str, language: str | None = None) -> str:
    """The place a zone is named for, in ``language`` (default: the active one), from the
    Unicode CLDR through Babel: "Europe/Warsaw" → "Warsaw", in Polish "Warszawa"; a zone of a
    country's region keeps the region: "America/Argentina/Buenos_Aires" → "Argentina – Buenos
    Aires" ("Argentyna – Buenos Aires"); CLDR's own "Knox, Indiana" stays as it is. The region
    of the world is the group's label."""
    if name == "UTC":
        return "UTC"
    parts = name.split("/")[1:] or [name]
    city = _cldr_city(name, _babel_locale(language)) or parts[-1].replace("_", " ")
    if len(parts) < 2 or parts[0].replace("_", " ") in city:  # CLDR's "Knox, Indiana"
        return city
    region = parts[0].replace("_", " ")
    country = _country_of(name)
    if country and _locale("en").territories.get(country) == region:
        region = _babel_locale(language).territories.get(country, region)
    return f"{region} – {city}"


def _babel_locale(language: str | None) -> Locale:
    return _locale((language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0])


@cache
def _locale(code: str) -> Locale:
    try:
        return Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return Locale("en")


def _cldr_city(name: str, locale: Locale) -> str | None:
    """CLDR's exemplar city for the zone, looked up under its own name and under the old names
    that link to it (CLDR still keys "Europe/Kyiv" as "Europe/Kiev"). CLDR only lists a
    language's names where they differ from the zone's own."""
    for key in (name, *_aliases().get(name, ())):
        city = locale.time_zones.get(key, {}).get("city")
        if city:
            return str(city)
    return None


@cache
def _aliases() -> dict[str, tuple[str, ...]]:
    """zone → the old names that link to it (``tzdata.zi``'s ``L`` lines), and CLDR's own."""
    targets: dict[str, list[str]] = {}
    for alias, target in _links().items():
        targets.setdefault(target, []).append(alias)
    for alias, target in get_global("zone_aliases").items():
        targets.setdefault(target, []).append(alias)
    return {target: tuple(aliases) for target, aliases in targets.items()}


@cache
def _countries() -> dict[str, str]:
    """zone → ISO 3166 country code, from ``zone.tab``."""
    return {
        fields[2]: fields[0]
        for line in _zone_tab().splitlines()
        if line and not line.startswith("#") and len(fields := line.split("\t")) >= 3
    }


def _country_of(name: str) -> str | None:
    return _countries().get(name)


def zone_choices(extra: str | None = None) -> list[tuple[str, ZoneChoices]]:
    """Choices for a ``<select>`` with ``<optgroup>``s: "Common", then each region (Europe
    first), its places A–Z. ``extra`` (a valid zone outside the list, e.g. an alias stored
    earlier) is added in an "Other" group so a form can show the current value."""
    zones = curated_zones()
    common: ZoneChoices = [
        (name, f"{zone_label(name)} ({REGIONS[name.split('/')[0]]})" if "/" in name else name)
        for name in COMMON_ZONES
        if name in zones
    ]
    groups: list[tuple[str, ZoneChoices]] = [(str(_("Common")), common)]
    for prefix, label in REGIONS.items():
        members = sorted(
            ((name, zone_label(name)) for name in zones if name.split("/")[0] == prefix),
            key=lambda choice: _sort_key(choice[1]),
        )
        if members:
            groups.append((str(label), members))
    if extra and extra not in zones:
        groups.append((str(_("Other")), [(extra, extra.replace("_", " "))]))
    return groups


def _sort_key(label: str) -> str:
    """A–Z whatever the accents: "Łódź" beside "Lima", not after "Zagreb"."""
    folded = unicodedata.normalize("NFKD", label.replace("Ł", "L").replace("ł", "l"))
    return "".join(c for c in folded if not unicodedata.combining(c)).casefold()


@cache
def _links() -> dict[str, str]:
    """alias → target, from the ``L target alias`` lines of ``tzdata.zi``."""
    try:
        text = resources.files("tzdata").joinpath("zoneinfo/tzdata.zi").read_text()
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    links = {}
    for line in text.splitlines():
        if line.startswith("L "):
            _l, target, alias = line.split()
            links[alias] = target
    return links


def zone_canonical(name: str) -> str:
    """The offered zone for a name a browser may report: "Asia/Calcutta" → "Asia/Kolkata",
    "Europe/Kiev" → "Europe/Kyiv". A name on the list, or unknown, comes back unchanged."""
    if name in curated_zones():
        return name
    seen = set()
    while name in _links() and name not in seen:
        seen.add(name)
        name = _links()[name]
        if name in curated_zones():
            return name
    return name
