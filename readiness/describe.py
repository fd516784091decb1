"""Criteria and verdicts as sentences in the active language: one place for the page, the
API's ``summary`` strings, the CSV and the PDF, so they always say the same.

It reads a ``Judged``'s figures, or the same figures frozen in a decision's snapshot, so a
decision taken in English reads in Polish for a Polish reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.formats import percent_format
from readiness.models import Criterion, Kind, Verdict


@dataclass
class Described:
    title: str
    verdict: str
    verdict_label: str
    summary: str
    missing: list[str] = field(default_factory=list)
    evidence: list[tuple[str, str]] = field(default_factory=list)
    """(text, url or "")."""
    estimate: str = ""


def day(value: str | None) -> str:
    """An ISO day or time as the reader's language writes a date."""
    if not value:
        return ""
    parsed: date | None = parse_date(value[:10])
    return formats.date_format(parsed, "DATE_FORMAT") if parsed else value


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def title_of(line: Criterion) -> str:
    """What the line asks, e.g. "Quiz “Lead readiness” passed, at least “Ready to lead”"."""
    if line.label:
        return line.label
    kind = Kind(line.kind)
    if kind is Kind.ONBOARDING:
        if line.count:
            return ngettext(
                "%(n)d onboarding step done", "%(n)d onboarding steps done", line.count
            ) % {"n": line.count}
        return _("Onboarding plan signed off")
    if kind is Kind.SOPS:
        names = ", ".join(s.title for s in line.sops.all())
        return _("SOPs acknowledged at their current version: %(names)s") % {"names": names}
    if kind is Kind.MODULES:
        names = ", ".join(m.title for m in line.modules.all())
        return _("Modules completed: %(names)s") % {"names": names}
    if kind is Kind.QUIZ:
        quiz = line.quiz.title if line.quiz else _("(deleted quiz)")
        text = _("Quiz “%(quiz)s” passed") % {"quiz": quiz}
        if line.min_band:
            text = _("Quiz “%(quiz)s”: at least “%(band)s”") % {"quiz": quiz, "band": line.min_band}
        if line.within_days:
            text += " " + ngettext(
                "in the last %(n)d day", "in the last %(n)d days", line.within_days
            ) % {"n": line.within_days}
        return text
    if kind is Kind.SKILL:
        name = line.skill.name if line.skill else _("(deleted skill)")
        return _("%(skill)s at the role's target, with enough evidence") % {"skill": name}
    if kind is Kind.QA_CRITICAL:
        days = line.within_days or 30
        return ngettext(
            "No critical QA finding in the last %(n)d day",
            "No critical QA finding in the last %(n)d days",
            days,
        ) % {"n": days}
    if kind is Kind.QA_PASS_RATE:
        rate = line.min_rate if line.min_rate is not None else 0.8
        n = line.min_count or 1
        what = ", ".join(line.categories) if line.categories else _("all categories")
        return ngettext(
            "QA pass rate at least %(rate)s on %(what)s, over at least %(n)d reviewed interaction",
            "QA pass rate at least %(rate)s on %(what)s, over at least %(n)d reviewed interactions",
            n,
        ) % {"rate": percent_format(rate * 100), "what": what, "n": n}
    return _("Lead sign-off")


REASONS = {
    "nothing_chosen": lambda: _("No SOP or module is chosen (deleted?)."),
    "nothing_published": lambda: _("None of its SOPs has a published version."),
    "quiz_deleted": lambda: _("Its quiz was deleted."),
    "skill_deleted": lambda: _("Its skill was deleted."),
    "no_target": lambda: _("The role has no target for this skill."),
}


def describe(
    *, kind: str, verdict: str, figures: dict[str, Any], title: str, person_id: int | None = None
) -> Described:
    out = Described(
        title=title,
        verdict=verdict,
        verdict_label=str(Verdict(verdict).label),
        summary="",
    )
    if verdict == Verdict.CANNOT:
        reason = REASONS.get(figures.get("reason", ""))
        out.summary = reason() if reason else _("It cannot be judged.")
        return out
    _WRITERS[Kind(kind)](out, figures, person_id)
    return out


def _onboarding(out: Described, f: dict[str, Any], person_id: int | None) -> None:
    if not f.get("plan"):
        out.summary = _("No onboarding plan yet.")
        out.missing.append(_("An onboarding plan"))
        return
    done, total = f["done"], f["total"]
    out.summary = ngettext(
        "%(done)d of %(total)d step done", "%(done)d of %(total)d steps done", total
    ) % {"done": done, "total": total}
    if f.get("signed_off"):
        out.summary += "; " + _("signed off")
    out.evidence.append(
        (f.get("plan_name") or _("Onboarding plan"), _url("onboarding:plan", f["plan"]))
    )
    if out.verdict == Verdict.MET:
        return
    required = f.get("required")
    left = (required - done) if required else (total - done)
    if required:
        out.missing.append(ngettext("%(n)d more step", "%(n)d more steps", left) % {"n": left})
    else:
        out.missing.append(_("The plan signed off"))
    if left > 0 and f.get("last_due"):
        out.estimate = ngettext(
            "%(n)d step left, the last due %(day)s",
            "%(n)d steps left, the last due %(day)s",
            left,
        ) % {"n": left, "day": day(f["last_due"])}


def _content(out: Described, f: dict[str, Any], *, module: bool) -> None:
    done, missing = f.get("done", []), f.get("missing", [])
    total = len(done) + len(missing)
    if module:
        out.summary = ngettext(
            "%(done)d of %(total)d module completed",
            "%(done)d of %(total)d modules completed",
            total,
        ) % {"done": len(done), "total": total}
    else:
        out.summary = ngettext(
            "%(done)d of %(total)d SOP acknowledged",
            "%(done)d of %(total)d SOPs acknowledged",
            total,
        ) % {"done": len(done), "total": total}
    for entry in done:
        url = (
            _url("courses:module", entry["slug"]) if module else _url("courses:sop", entry["slug"])
        )
        out.evidence.append((entry["title"], url))
    for entry in missing:
        if module:
            out.missing.append(entry["title"])
        else:
            out.missing.append(
                _("%(title)s (version %(version)s)")
                % {"title": entry["title"], "version": entry.get("version", "")}
            )
    if missing:
        dues = sorted(e["due"] for e in missing if e.get("due"))
        unassigned = sum(1 for e in missing if not e.get("assigned"))
        parts = []
        if module:
            left = ngettext("%(n)d module left", "%(n)d modules left", len(missing)) % {
                "n": len(missing)
            }
        else:
            left = ngettext("%(n)d SOP left", "%(n)d SOPs left", len(missing)) % {"n": len(missing)}
        if dues:
            parts.append(_("%(left)s, due %(day)s") % {"left": left, "day": day(dues[-1])})
        else:
            parts.append(left)
        if unassigned:
            parts.append(
                ngettext("%(n)d not assigned yet", "%(n)d not assigned yet", unassigned)
                % {"n": unassigned}
            )
        out.estimate = "; ".join(parts)


def _sops(out: Described, f: dict[str, Any], person_id: int | None) -> None:
    _content(out, f, module=False)


def _modules(out: Described, f: dict[str, Any], person_id: int | None) -> None:
    _content(out, f, module=True)


def _quiz(out: Described, f: dict[str, Any], person_id: int | None) -> None:
    attempt = f.get("attempt")
    if not attempt and f.get("within_days"):
        out.summary = ngettext(
            "No attempt in the last %(n)d day.",
            "No attempt in the last %(n)d days.",
            f["within_days"],
        ) % {"n": f["within_days"]}
    elif not attempt:
        out.summary = _("Not taken yet.")
    else:
        text = _("%(percent)s on %(day)s") % {
            "percent": percent_format(attempt.get("percent")),
            "day": day(attempt.get("at")),
        }
        if attempt.get("band"):
            text += f" — {attempt['band']}"
        if not attempt.get("counts"):
            text += " " + _("(too long ago to count)")
        out.summary = text
        out.evidence.append(
            (
                _("Attempt of %(day)s") % {"day": day(attempt.get("at"))},
                _url("assessments:attempt_result", attempt["id"]),
            )
        )
    if out.verdict != Verdict.MET:
        if f.get("min_band"):
            out.missing.append(_("A result of at least “%(band)s”") % {"band": f["min_band"]})
        else:
            out.missing.append(_("A pass"))
        if f.get("due"):
            out.estimate = _("Quiz assigned, due %(day)s") % {"day": day(f["due"])}


def _skill(out: Described, f: dict[str, Any], person_id: int | None) -> None:
    out.summary = _(
        "Level %(level)s, likely %(low)s–%(high)s, against a target of %(target)s "
        "(evidence %(evidence)s)"
    ) % {
        "level": formats.number_format(f["level"], 2),
        "low": formats.number_format(f["low"], 2),
        "high": formats.number_format(f["high"], 2),
        "target": formats.number_format(f["target"], 2),
        "evidence": formats.number_format(f["evidence"], 1),
    }
    if person_id:
        out.evidence.append((f["skill"], _url("skills:skill_profile", person_id)))
    if out.verdict == Verdict.UNSURE:
        if not f.get("enough"):
            out.missing.append(_("More evidence of %(skill)s") % {"skill": f["skill"]})
        else:
            out.missing.append(
                _("More evidence of %(skill)s: the likely range still spans the target")
                % {"skill": f["skill"]}
            )
    elif out.verdict == Verdict.NOT_MET:
        out.missing.append(
            _("%(skill)s up to %(target)s")
            % {"skill": f["skill"], "target": formats.number_format(f["target"], 2)}
        )


def _qa_critical(out: Described, f: dict[str, Any], person_id: int | None) -> None:
    count = f.get("count", 0)
    days = f.get("days", 30)
    if count:
        out.summary = (
            ngettext("%(n)d critical finding", "%(n)d critical findings", count) % {"n": count}
            + " "
            + ngettext("in the last %(n)d day", "in the last %(n)d days", days) % {"n": days}
        )
        for finding in f.get("findings", []):
            out.evidence.append(
                (
                    _("%(criterion)s on %(interaction)s, %(day)s")
                    % {
                        "criterion": finding["criterion"],
                        "interaction": finding["interaction"],
                        "day": day(finding["at"]),
                    },
                    # the skill profile lists every finding among the person's evidence
                    _url("skills:skill_profile", person_id) if person_id else "",
                )
            )
        newest = f["findings"][0]["at"] if f.get("findings") else None
        if newest:
            out.missing.append(
                ngettext(
                    "No critical finding for %(days)d day after %(day)s",
                    "No critical finding for %(days)d days after %(day)s",
                    days,
                )
                % {"days": days, "day": day(newest)}
            )
        return
    out.summary = ngettext(
        "No critical finding in the last %(days)d day",
        "No critical finding in the last %(days)d days",
        days,
    ) % {"days": days}
    if "reviewed" in f:
        out.summary += "; " + ngettext(
            "%(n)d interaction reviewed", "%(n)d interactions reviewed", f["reviewed"]
        ) % {"n": f["reviewed"]}
        if out.verdict == Verdict.UNSURE:
            out.missing.append(
                ngettext(
                    "%(n)d more reviewed interaction",
                    "%(n)d more reviewed interactions",
                    f["min_count"] - f["reviewed"],
                )
                % {"n": f["min_count"] - f["reviewed"]}
            )


def _qa_pass_rate(out: Described, f: dict[str, Any], person_id: int | None) -> None:
    total, passed = f.get("total", 0), f.get("passed", 0)
    interactions = f.get("interactions", 0)
    if total:
        low, high = wilson(passed, total)
        out.summary = ngettext(
            "%(rate)s passed (likely %(low)s–%(high)s) over %(n)d reviewed interaction",
            "%(rate)s passed (likely %(low)s–%(high)s) over %(n)d reviewed interactions",
            interactions,
        ) % {
            "rate": percent_format(100 * passed / total),
            "low": percent_format(100 * low),
            "high": percent_format(100 * high),
            "n": interactions,
        }
    else:
        out.summary = ngettext(
            "No reviewed interaction in the last %(days)d day.",
            "No reviewed interaction in the last %(days)d days.",
            f.get("days", 90),
        ) % {"days": f.get("days", 90)}
    if out.verdict == Verdict.UNSURE:
        more = max(1, f["min_count"] - interactions)
        out.missing.append(
            ngettext("%(n)d more reviewed interaction", "%(n)d more reviewed interactions", more)
            % {"n": more}
        )
    elif out.verdict == Verdict.NOT_MET:
        out.missing.append(
            _("A pass rate of at least %(rate)s") % {"rate": percent_format(100 * f["min_rate"])}
        )


def _signoff(out: Described, f: dict[str, Any], person_id: int | None) -> None:
    signed = f.get("signed")
    if not signed:
        out.summary = _("Not signed off yet.")
        out.missing.append(_("A lead's sign-off"))
        return
    out.summary = _("Signed off on %(day)s") % {"day": day(signed.get("at"))}


_WRITERS = {
    Kind.ONBOARDING: _onboarding,
    Kind.SOPS: _sops,
    Kind.MODULES: _modules,
    Kind.QUIZ: _quiz,
    Kind.SKILL: _skill,
    Kind.QA_CRITICAL: _qa_critical,
    Kind.QA_PASS_RATE: _qa_pass_rate,
    Kind.SIGNOFF: _signoff,
}


def wilson(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval (95%) of a proportion: sensible at small n and at 0 or 1.
    SciPy's ``binomtest(k, n).proportion_ci(method="wilson")`` gives the same (a test holds
    them equal) but costs 190 µs a call, and the board asks it of every row."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    margin = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)
