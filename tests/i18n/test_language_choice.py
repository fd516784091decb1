"""Choosing a language: the browser's Accept-Language before anyone chooses, the switcher on
pages without an account (login, candidate), the profile; <html lang> always says which."""

from __future__ import annotations

import re
import zoneinfo
from datetime import timedelta

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from accounts.middleware import BROWSER_ZONE_COOKIE, UserPreferencesMiddleware
from assessments import services as assessments_services
from assessments.selectors import candidate_invitation_url
from tests import factories


def html_lang(response: HttpResponse) -> str:
    match = re.search(r'<html lang="([^"]*)"', response.content.decode())
    assert match, "no <html lang>"
    return match.group(1)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        pytest.param("", "en", id="no-header"),
        pytest.param("pl-PL,pl;q=0.9,en;q=0.8", "pl", id="polish-browser"),
        pytest.param("de-DE,de;q=0.9", "en", id="german-is-not-offered"),
        pytest.param("fr,pl;q=0.5", "pl", id="first-offered"),
    ],
)
def test_the_login_page_follows_the_browser_before_anyone_chooses(db, accept, expected):
    response = Client(HTTP_ACCEPT_LANGUAGE=accept).get("/accounts/login/")
    assert response.status_code == 200
    assert html_lang(response) == expected
    assert response["Content-Language"] == expected


def test_the_login_page_offers_english_and_polish_each_in_its_own_name(db):
    body = Client().get("/accounts/login/").content.decode()
    assert 'action="/accounts/language/"' in body
    assert re.findall(r'<option value="(\w+)" lang="\w+"[^>]*>([^<]+)<', body) == [
        ("en", "English"),
        ("pl", "Polski"),
    ]


def test_choosing_polish_on_the_login_page_keeps_it_over_the_browser(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        "/accounts/language/", {"language": "pl", "next": "/accounts/password/reset/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pl"
    assert html_lang(client.get("/accounts/login/")) == "pl"


@pytest.mark.parametrize(
    ("data", "url"),
    [
        pytest.param({"language": "de", "next": "/accounts/login/"}, "/accounts/login/", id="de"),
        pytest.param({"language": "pl", "next": "https://evil.test/"}, "/", id="offsite-next"),
        pytest.param({}, "/", id="empty"),
    ],
)
def test_the_switcher_refuses_what_it_does_not_offer(db, data, url):
    response = Client().post("/accounts/language/", data)
    assert response.status_code == 302
    assert response["Location"] == url
    if data.get("language") != "pl":
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switcher_on_a_candidates_page(db, lead):
    quiz = factories.quiz_published()
    invitation = assessments_services.candidate_invitation_create(
        invited_by=lead,
        email="cand@example.test",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=3),
    )
    url = candidate_invitation_url(invitation)
    body = Client().get(url).content.decode()
    assert 'action="/accounts/language/"' in body
    assert f'name="next" value="{url}"' in body


def test_a_logged_in_person_switching_stores_it_in_the_profile(member):
    client = Client()
    client.force_login(member)
    client.post("/accounts/language/", {"language": "pl", "next": "/training/"})
    member.refresh_from_db()
    assert member.language == "pl"
    assert html_lang(client.get("/accounts/profile/")) == "pl"


def test_the_profile_wins_over_the_browser_and_saving_it_sets_the_cookie(member):
    client = Client(HTTP_ACCEPT_LANGUAGE="pl")
    client.force_login(member)
    assert html_lang(client.get("/accounts/profile/")) == "en"
    response = client.post(
        "/accounts/profile/",
        {"name": member.name, "time_zone": "Europe/Warsaw", "language": "pl"},
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pl"
    member.refresh_from_db()
    assert (member.language, member.time_zone, member.locale_chosen) == (
        "pl",
        "Europe/Warsaw",
        True,
    )
    client.post("/accounts/logout/")
    assert html_lang(Client(HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/")) == "en"
    assert html_lang(client.get("/accounts/login/")) == "pl"  # the cookie stays after logout


def _log_in(client: Client, user, password: str) -> None:
    response = client.post("/accounts/login/", {"email": user.email, "password": password})
    assert response.status_code == 302


def test_the_first_login_takes_language_and_zone_from_the_browser(member, password):
    client = Client(HTTP_ACCEPT_LANGUAGE="pl-PL,pl;q=0.9")
    client.cookies[BROWSER_ZONE_COOKIE] = "Europe/Warsaw"
    _log_in(client, member, password)
    member.refresh_from_db()
    assert (member.language, member.time_zone, member.locale_chosen) == (
        "pl",
        "Europe/Warsaw",
        True,
    )
    # The next login, from another browser, changes nothing: the defaults are taken once.
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.cookies[BROWSER_ZONE_COOKIE] = "America/New_York"
    _log_in(other, member, password)
    member.refresh_from_db()
    assert (member.language, member.time_zone) == ("pl", "Europe/Warsaw")


@pytest.mark.parametrize(
    ("zone", "stored"),
    [
        pytest.param("Asia/Calcutta", "Asia/Kolkata", id="alias-made-canonical"),
        pytest.param("Not/AZone", "UTC", id="unknown-ignored"),
        pytest.param("../../etc/passwd", "UTC", id="path-ignored"),
    ],
)
def test_the_browser_zone_is_checked(member, password, zone, stored):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[BROWSER_ZONE_COOKIE] = zone
    _log_in(client, member, password)
    member.refresh_from_db()
    assert member.time_zone == stored


def test_a_login_that_tells_nothing_waits_for_one_that_does(member, password):
    _log_in(Client(), member, password)  # no Accept-Language, no zone cookie
    member.refresh_from_db()
    assert (member.language, member.time_zone, member.locale_chosen) == ("en", "UTC", False)


def test_a_chosen_language_is_not_replaced_by_the_browser(member, password):
    member.language, member.locale_chosen = "pl", True
    member.save()
    _log_in(Client(HTTP_ACCEPT_LANGUAGE="en"), member, password)
    member.refresh_from_db()
    assert member.language == "pl"


def test_people_without_an_account_see_times_in_their_browsers_zone(db):
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse()

    request = RequestFactory().get("/c/x/")
    request.COOKIES[BROWSER_ZONE_COOKIE] = "Europe/Warsaw"
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    UserPreferencesMiddleware(view)(request)
    assert seen["zone"] == "Europe/Warsaw"
    assert timezone.get_current_timezone() == zoneinfo.ZoneInfo(settings.TIME_ZONE)


def test_api_errors_follow_accept_language(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="pl").get("/api/v1/me/")
    assert response.status_code == 401
    assert response["Content-Language"] == "pl"
    with translation.override("pl"):
        polish = translation.gettext("Authentication credentials were not provided.")
    assert polish != "Authentication credentials were not provided."  # DRF ships Polish
    assert response.json()["detail"] == polish
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/me/").json()["detail"]
    assert english == "Authentication credentials were not provided."


def test_the_migration_moves_languages_without_a_catalogue_to_english(db):
    import importlib

    from django.apps import apps

    from accounts.models import User

    migration = importlib.import_module("accounts.migrations.0002_languages_locale_chosen")
    german = factories.UserFactory.create()
    berliner = factories.UserFactory.create(time_zone="Europe/Berlin")
    polish = factories.UserFactory.create()
    User.objects.filter(pk=german.pk).update(language="de")
    User.objects.filter(pk=berliner.pk).update(language="fr")
    User.objects.filter(pk=polish.pk).update(language="pl")
    migration.forward(apps, None)
    assert sorted(User.objects.values_list("email", "language", "locale_chosen")) == sorted(
        [
            (german.email, "en", False),  # the browser decides at the next login
            (berliner.email, "en", True),  # chose a zone: keep it
            (polish.email, "pl", False),
        ]
    )


def test_a_language_set_for_someone_stays_and_their_first_login_still_takes_the_zone(
    password, team
):
    """Was: the demo marked Zofia's Polish as chosen, so her first login never took the
    browser's zone and she saw every time in UTC."""
    from home.demo.people import demo_people_load

    zofia = demo_people_load(password=password)["zofia@demo.test"]
    assert (zofia.language, zofia.locale_chosen) == ("pl", False)
    client = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")  # a browser in English
    client.cookies[BROWSER_ZONE_COOKIE] = "Europe/Warsaw"
    _log_in(client, zofia, password)
    zofia.refresh_from_db()
    assert (zofia.language, zofia.time_zone, zofia.locale_chosen) == ("pl", "Europe/Warsaw", True)
