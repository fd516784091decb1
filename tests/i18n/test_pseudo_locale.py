"""No unmarked string can hide: with a throwaway Polish catalogue in which every translation is
wrapped in ⟦ ⟧, every page of the permission matrix, as each role, shows only wrapped text,
apart from what people wrote (anything stored in the database: names, emails, titles, SOP and
lesson bodies), numbers, time-zone and language names, and the product's name.

The catalogue is built from what `make makemessages` extracts today plus Django's and the
installed apps' own Polish catalogues, so a string the code translates with a msgid that
extraction can't see (``gettext(variable)``) shows up unwrapped too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.test import Client, override_settings
from django.utils import timezone, translation
from rest_framework.test import APIClient

from accounts import services as accounts_services
from accounts.models import User
from assessments import services as assessments_services
from core.timezones import zone_choices
from notifications.models import Notification
from notifications.reminders import reminders_send_due
from notifications.services import notifications_send_emails
from onboarding.digest import digests_send_weekly
from tests.i18n.catalogues import PSEUDO_CLOSE, PSEUDO_OPEN, build_pseudo_catalogue
from tests.permissions import test_matrix

world = test_matrix.world  # the permission matrix's small world (a fixture)

ROLES = ["admin", "lead", "other lead", "member", "teammate", "anonymous"]  # candidate = anonymous
# The admin's pages of the matrix (the audit trail) are checked below, with the admin's others.
SKIPPED_PREFIXES = ("/api/", "/healthz", "/jsi18n/", "/admin/")
SKIPPED_TAGS = {"script", "style", "textarea", "pre", "code"}
ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "label", "data-copied", "data-template"}
WORD = re.compile(r"[^\W\d_]{2,}")
WRAPPED = re.compile(f"{PSEUDO_OPEN}[^{PSEUDO_OPEN}{PSEUDO_CLOSE}]*{PSEUDO_CLOSE}")
NOT_WORDS = re.compile(r"https?://\S+|\S+@\S+|/[\w\-/.?=&%]+|\b[\w-]*\d[\w-]*\b")
ALWAYS_ALLOWED = {"readiness", "utc", "english", "polski"}


# What machines read is never localized: a browser's date input drops "21.12.2026", SVG draws
# nothing from "122,0", a number input refuses "0,5".
MACHINE_VALUES = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "datetime-local": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"),
    "number": re.compile(r"^-?\d+(\.\d+)?([eE]-?\d+)?$"),
}
SVG_NUMBERS = {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height", "viewbox"}
SVG_NUMBER = re.compile(r"^-?\d+(\.\d+)?%?$")
LOCALIZED_DECIMAL = re.compile(r"-?\d+,\d+")


class MachineValues(HTMLParser):
    """The values of date, date-time and number inputs, SVG coordinates and paths, and data-
    attributes that are numbers, each one that a machine could not read."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.seen: set[str] = set()  # the kinds of value looked at
        self.in_svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "svg":
            self.in_svg += 1
            if "chart" in values.get("class", ""):
                self.seen.add("chart")
        kind = values.get("type", "") if tag == "input" else ""
        if kind in MACHINE_VALUES and values.get("value"):
            self.seen.add(kind)
        if (
            kind in MACHINE_VALUES
            and values.get("value")
            and not MACHINE_VALUES[kind].match(values["value"])
        ):
            self.problems.append(f'<input type="{kind}" value="{values["value"]}">')
        for name, value in values.items():
            # (a path's commas may separate coordinates: its numbers come from Python's str())
            svg_number = name in SVG_NUMBERS and self.in_svg
            if svg_number and not all(SVG_NUMBER.match(v) for v in value.split()):
                self.problems.append(f'<{tag} {name}="{value}">')
            if name.startswith("data-") and LOCALIZED_DECIMAL.fullmatch(value.strip()):
                self.problems.append(f'<{tag} {name}="{value}">')

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.in_svg -= 1


class VisibleText(HTMLParser):
    """The page's text nodes in document order, and its visible attributes (labels, titles,
    placeholders, the labels scripts show) one by one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self.attributes: list[str] = []
        self.skipping = 0
        self.html_lang: str | None = None

    @classmethod
    def of(cls, html: str) -> VisibleText:
        parser = cls()
        parser.feed(html)
        return parser

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.html_lang = dict(attrs).get("lang")
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        values = dict(attrs)
        for name, value in attrs:
            if value and (name in ATTRIBUTES or name.startswith("data-label")):
                self.attributes.append(value)
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            self.attributes.append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.nodes.append(data)

    def texts(self) -> list[str]:
        """Attributes, then the text nodes joined where a translation spans several (a
        translated sentence with a link inside): each piece left after unwrapping."""
        return [*self.attributes, *unwrap(SEPARATOR.join(self.nodes)).split(SEPARATOR)]


SEPARATOR = "\x00"


def unwrap(text: str) -> str:
    previous = None
    while previous != text:  # innermost first: ⟦a ⟦b⟧ c⟧
        previous, text = text, WRAPPED.sub(" ", text)
    return text


def unwrapped_words(text: str, allowed: set[str]) -> list[str]:
    """The words of ``text`` outside ⟦ ⟧ that are not people's content."""
    text = NOT_WORDS.sub(" ", unwrap(text))
    return [word for word in WORD.findall(text) if word.lower() not in allowed]


# Rows Django writes from our code's names (permission names like "Can add quiz", model names):
# counting their words as people's content would let those English words through.
NOT_CONTENT = {"auth.permission", "contenttypes.contenttype"}


def content_words() -> set[str]:
    """Every word stored in the database: people's content, not ours to translate."""
    words: set[str] = set()
    for model in apps.get_models():
        if model._meta.label_lower in NOT_CONTENT:
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value:
                    words |= {w.lower() for w in WORD.findall(str(value))}
    return words


def zone_words() -> set[str]:
    """The places' names, in every language (CLDR's, through Babel: not the catalogue's)."""
    words = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for _group, choices in zone_choices():
                for value, label in choices:
                    words |= {w.lower() for w in WORD.findall(f"{value} {label}")}
    with translation.override("en"):
        groups = " ".join(g for g, _c in zone_choices())
    return words - {w.lower() for w in WORD.findall(groups)}


@pytest.fixture
def pseudo_polish(extracted: dict[str, Path], tmp_path: Path) -> Iterator[None]:
    build_pseudo_catalogue(extracted["django"], tmp_path, language="pl")
    with override_settings(LOCALE_PATHS=[str(tmp_path)]):  # also resets Django's caches
        yield
    translation.activate("en")


@pytest.mark.parametrize(
    ("html", "flagged"),
    [
        ('<input type="date" value="21.12.2026">', True),
        ('<input type="date" value="2026-12-21">', False),
        ('<input type="number" value="0,5">', True),
        ('<input type="number" value="0.5">', False),
        ('<svg viewBox="0 0 320 140"><line x1="122,0" y1="5"/></svg>', True),
        ('<svg width="100%" viewBox="0 0 320 140"><circle cx="122.0" cy="5" r="3"/></svg>', False),
        ('<span data-level="0,62">', True),
        ('<span data-template="__n__ of __total__">', False),
    ],
)
def test_localized_machine_values_are_found(html, flagged):
    machine = MachineValues()
    machine.feed(html)
    assert bool(machine.problems) is flagged, machine.problems


def test_every_page_shows_only_translated_text(world, pseudo_polish):
    users, values, _bodies, _keys = world
    User.objects.update(language="pl")
    # A candidate's pages are in their invitation's language (where invitations have one), an
    # attempt's in the attempt's.
    invitations = apps.get_model("assessments", "CandidateInvitation")
    if any(f.name == "language" for f in invitations._meta.fields):
        invitations.objects.update(language="pl")
        apps.get_model("assessments", "Attempt").objects.filter(invitation__isnull=False).update(
            language="pl"
        )
    allowed = content_words() | zone_words() | ALWAYS_ALLOWED
    clients = {}
    for role in ROLES:
        clients[role] = Client(HTTP_ACCEPT_LANGUAGE="pl")
        if role in users:
            clients[role].force_login(users[role])
    problems: dict[str, str] = {}
    pages = 0
    machine_kinds: set[str] = set()
    for method, template, expected in test_matrix.matrix_rows():
        if method != "GET" or template.startswith(SKIPPED_PREFIXES):
            continue
        path = template.format(**values)
        for role in ROLES:
            if expected[role] != 200:
                continue
            with transaction.atomic():
                response = clients[role].get(path)
                transaction.set_rollback(True)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            pages += 1
            machine = MachineValues()
            machine.feed(response.content.decode())
            machine_kinds |= machine.seen
            for problem in machine.problems:
                problems.setdefault(f"{template}: localized {problem}", role)
            parser = VisibleText()
            parser.feed(response.content.decode())
            if parser.html_lang != "pl":
                problems[f"{template} <html lang={parser.html_lang}>"] = role
            for text in parser.texts():
                words = unwrapped_words(text, allowed)
                if words:
                    snippet = " ".join(text.split())[:120]
                    problems.setdefault(f"{template}: {snippet!r} ({', '.join(words)})", role)
    assert pages > 150
    assert {"date", "chart"} <= machine_kinds  # the forms and charts were looked at
    assert not problems, f"{len(problems)} untranslated texts (page: text (words), as whom):\n" + (
        "\n".join(f"{where} as {role}" for where, role in sorted(problems.items()))
    )


def test_every_email_shows_only_translated_text(world, pseudo_polish, mailoutbox):
    """Invitations (new hire, candidate), a password reset, reminders, a notification and the
    leads' weekly digest, each in its recipient's (pseudo-)Polish: subject, text and HTML."""
    users, values, _bodies, _keys = world
    User.objects.update(language="pl", email_notifications=True)
    invitations = apps.get_model("assessments", "CandidateInvitation")
    if any(f.name == "language" for f in invitations._meta.fields):
        invitations.objects.update(language="pl")
    allowed = content_words() | ALWAYS_ALLOWED
    now = timezone.now()

    accounts_services.invitation_send(invitation_id=values["newhire_invitation"])
    assessments_services.candidate_invitation_send(invitation_id=values["invitation"])
    Client(HTTP_ACCEPT_LANGUAGE="pl").post(
        "/accounts/password/reset/", {"email": users["member"].email}
    )
    reminders_send_due(now=now + timedelta(days=5))  # the member's assignment is overdue
    Notification.objects.update(email_wanted=True)
    digests_send_weekly(now=now)
    notifications_send_emails(now=now + timedelta(days=5))

    kinds = set()
    problems = []
    for message in mailoutbox:
        html = next(c for c, mimetype in message.alternatives if mimetype == "text/html")
        parser = VisibleText()
        parser.feed(str(html))
        if parser.html_lang != "pl":
            problems.append(f"{message.subject!r}: <html lang={parser.html_lang}>")
        texts = [message.subject, message.body, *parser.texts()]
        for text in texts:
            words = unwrapped_words(text, allowed)
            if words:
                problems.append(f"{message.subject!r}: {' '.join(text.split())[:160]!r} {words}")
        kinds.add(message.subject.split("⟧")[0])
    assert len(mailoutbox) >= 6, [m.subject for m in mailoutbox]
    assert not problems, "\n".join(problems)


def _error_messages(body: object) -> list[str]:
    if not isinstance(body, dict):
        return []
    messages = [str(body.get("detail", ""))]
    for value in (body.get("errors") or {}).values():
        messages += [str(v) for v in (value if isinstance(value, list) else [value])]
    return messages


def test_every_api_error_is_translated(world, pseudo_polish):
    """Every documented 4xx of the API (and the matrix's bodies, which some roles may not
    send), as each role with ``Accept-Language: pl``: ``detail`` and every field error."""
    users, values, bodies, keys = world
    allowed = content_words() | ALWAYS_ALLOWED
    problems: dict[str, str] = {}
    checked = 0
    for method, template, expected in test_matrix.matrix_rows():
        if not template.startswith("/api/v1/"):
            continue
        path = template.format(**values)
        body = bodies.get((method, template))
        for role, status in expected.items():
            if status < 400 and not (method != "GET" and role == "member"):
                continue
            client = APIClient(HTTP_ACCEPT_LANGUAGE="pl")
            if role in users:
                client.credentials(HTTP_AUTHORIZATION=f"Token {keys[role]}")
            with transaction.atomic():
                # Known bodies as documented, and an empty one (field errors) for members.
                data = body if status >= 400 else {}
                response = client.generic(
                    method, path, data=json.dumps(data or {}), content_type="application/json"
                )
                transaction.set_rollback(True)
            if response.status_code < 400 or response.status_code >= 500:
                continue
            checked += 1
            for text in _error_messages(response.json()):
                words = unwrapped_words(text, allowed)
                if words:
                    problems.setdefault(
                        f"{method} {template} {response.status_code}: {text!r}", role
                    )
    assert checked > 100
    assert not problems, "\n".join(f"{where} as {role}" for where, role in sorted(problems.items()))


def test_the_checker_sees_unwrapped_words_only():
    allowed = {"alice"}
    assert unwrapped_words("⟦Due in 3 days⟧", allowed) == []
    assert unwrapped_words("⟦Hello ⟦Alice⟧ and you⟧ ·", allowed) == []
    assert unwrapped_words("Alice · ⟦Log out⟧ 26 ⟦listopada⟧ 2026", allowed) == []
    assert unwrapped_words("see https://x.test/c/abc and bob@x.test, rdy_4f3a", allowed) == [
        "see",
        "and",
    ]
    assert unwrapped_words("3 items left", allowed) == ["items", "left"]


def test_the_checker_joins_a_translation_split_by_markup():
    parser = VisibleText()
    parser.feed(
        '<html lang="pl"><p title="⟦Help⟧">⟦Create tokens under <a href="/t/">API tokens</a>.⟧'
        "</p><p>Alice</p><p>Not marked</p><script>var x = 'code';</script></html>"
    )
    assert parser.html_lang == "pl"
    assert [w for t in parser.texts() for w in unwrapped_words(t, {"alice"})] == ["Not", "marked"]


# --- the admin --------------------------------------------------------------------------------

# Our apps, whose admin pages (the index, each app's page, and each model's list, add, change
# and delete pages) must show only translated text. Not axes and django_celery_beat: their
# words are theirs (the sidebar and the index list every app; their sections are left out).
ADMIN_APPS = [
    "accounts",
    "audit",
    "notifications",
    "skills",
    "assessments",
    "courses",
    "qa",
    "onboarding",
    "practice",
    "xapi",
    "core",
    "home",
]
ADMIN_NOT_OURS = ("axes", "django_celery_beat")
NOT_OURS_SECTION = re.compile(
    rf'<div class="app-(?:{"|".join(ADMIN_NOT_OURS)}) module[^"]*">.*?</table>\s*</div>', re.S
)
# Django's own words that no catalogue has: the boolean icons' and the search icon's alt text,
# and a masked password hash.
DJANGO_UNMARKED = re.compile(r'alt="(?:True|False|None|Search)"|\b\w+\*{4,}')


def not_ours_rows() -> re.Pattern[str]:
    """What a delete page lists of models that are not ours here: the third-party apps', and the
    tables Django makes for many-to-many fields ("Module-skill relationship: Module_skills
    object (1)", named by Django without a translation)."""
    names = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in ADMIN_NOT_OURS or model._meta.auto_created:
            names += [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
    alternatives = "|".join(re.escape(name[:1].upper() + name[1:]) for name in names)
    return re.compile(rf"<li>(?:{alternatives}): (?:<a [^>]*>[^<]*</a>|[^<]*)")


def admin_rows(users: dict[str, User], values: dict[str, object]) -> None:
    """A row for the models the permission matrix's world leaves empty, so that each model's
    change and delete pages are seen too."""
    from practice.models import PracticeAnswer, PracticeCard, PracticePreference, PracticeSet
    from skills.models import LearnerProfile, RoleProfile, Skill, SkillEvidence
    from xapi.models import Statement

    member, now = users["member"], timezone.now()
    question = apps.get_model("assessments", "Question").objects.get(pk=values["question"])
    skill = Skill.objects.first()
    profile = RoleProfile.objects.create(slug="senior", name="Senior agent")
    LearnerProfile.objects.get_or_create(user=member, defaults={"role_profile": profile})
    SkillEvidence.objects.create(
        user=member, skill=skill, outcome=1, source="answer", source_id=1, occurred_at=now,
        occurred_day=300,
    )  # fmt: skip
    practice_set = PracticeSet.objects.create(user=member, day=now.date(), question_ids=[1])
    PracticeCard.objects.create(user=member, question=question, state=2, due_at=now)
    PracticeAnswer.objects.create(set=practice_set, question=question, credit=1, correct=True)
    PracticePreference.objects.get_or_create(user=member)
    Statement.objects.create(
        statement_id="6f1c3d52-5a0c-4c56-9f43-0f3f4e0b9a11", verb="completed", payload={}
    )
    apps.get_model("accounts", "ExternalIdentity").objects.create(
        user=member, issuer="https://id.example.test", subject="m-1"
    )
    apps.get_model("qa", "ReviewCategory").objects.create(  # a row in the source's inline
        source_id=values["review_source"], name="Tone", key="tone", skill=skill, pass_mark=3
    )


def admin_pages() -> Iterator[str]:
    """Every admin page of our apps' models: list, add, change and delete of the first row."""
    from django.contrib import admin as django_admin

    yield "/admin/"
    for label in ADMIN_APPS:
        registered = [
            (model, model_admin)
            for model, model_admin in django_admin.site._registry.items()
            if model._meta.app_label == label
        ]
        if registered:
            yield f"/admin/{label}/"
        for model, _model_admin in registered:
            base = f"/admin/{label}/{model._meta.model_name}/"
            yield base
            yield f"{base}add/"  # a 403 where adding by hand is off: skipped
            first = model._default_manager.order_by("pk").first()
            if first is not None:
                yield f"{base}{first.pk}/change/"
                yield f"{base}{first.pk}/delete/"


def test_every_admin_page_of_ours_shows_only_translated_text(world, pseudo_polish):
    users, values, _bodies, _keys = world
    admin_rows(users, values)
    User.objects.update(language="pl")
    allowed = content_words() | zone_words() | ALWAYS_ALLOWED
    version_id = values["version"]
    extra = [
        f"/admin/assessments/quiz/{values['quiz']}/edit-questions/",  # taken: "new version?"
        f"/admin/assessments/quizversion/{version_id}/translate/pl/",
        f"/admin/accounts/user/{users['member'].pk}/password/",
    ]
    client = Client(HTTP_ACCEPT_LANGUAGE="pl")
    client.force_login(users["admin"])
    problems: dict[str, str] = {}
    pages = 0
    rows_not_ours = not_ours_rows()
    for path in [*admin_pages(), *extra]:
        response = client.get(path)
        if response.status_code == 403:
            continue
        assert response.status_code == 200, f"{path}: {response.status_code}"
        pages += 1
        html = NOT_OURS_SECTION.sub("", response.content.decode())
        html = rows_not_ours.sub("<li>", DJANGO_UNMARKED.sub("", html))
        parser = VisibleText()
        parser.feed(html)
        if parser.html_lang != "pl":
            problems[f"{path} <html lang={parser.html_lang}>"] = ""
        for text in parser.texts():
            words = unwrapped_words(text, allowed)
            if words:
                snippet = " ".join(text.split())[:120]
                problems.setdefault(f"{snippet!r} ({', '.join(words)})", path)
    login = Client(HTTP_ACCEPT_LANGUAGE="pl").get("/admin/login/")
    for text in VisibleText.of(login.content.decode()).texts():
        if unwrapped_words(text, allowed):
            problems.setdefault(repr(" ".join(text.split())[:120]), "/admin/login/")
    assert pages > 100
    assert not problems, f"{len(problems)} untranslated admin texts (text (words): page):\n" + (
        "\n".join(f"{text}: {path}" for text, path in sorted(problems.items()))
    )
