"""Events go up through typed hooks (core.hooks): each one declared is used, and a subscriber
that fails rolls the publisher's event back."""

import pytest

from core.hooks import Hook, hooks_without_subscribers


def test_every_declared_hook_has_a_subscriber():
    # AppConfig.ready has run (pytest-django set Django up), so every subscriber is connected.
    assert hooks_without_subscribers() == []


def test_subscribers_run_in_order_once_each():
    seen: list[str] = []
    hook: Hook[str] = Hook("tests.example")
    first, second = (lambda e: seen.append(f"a:{e}")), (lambda e: seen.append(f"b:{e}"))
    hook.connect(first)
    hook.connect(second)
    hook.connect(first)  # ready() may run twice in tests: still once
    hook.send("x")
    assert seen == ["a:x", "b:x"]
    assert hook.subscribers == (first, second)
    hook.connect(lambda e: None)  # keep the registry clean for the test above


@pytest.mark.django_db
def test_a_failing_subscriber_rolls_the_event_back(member, sop_published, monkeypatch):
    from courses import hooks, services
    from courses.models import SOPAcknowledgement

    version = sop_published("v1").versions.get()

    def boom(event: hooks.SopAcknowledged) -> None:
        raise RuntimeError("subscriber failed")

    monkeypatch.setattr(hooks.sop_acknowledged, "_subscribers", [boom])
    with pytest.raises(RuntimeError):
        services.sop_acknowledge(user=member, version=version)
    assert not SOPAcknowledgement.objects.filter(user=member).exists()
