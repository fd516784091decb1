import pytest

from tests import factories


@pytest.fixture
def sop_published():
    return factories.sop_published


@pytest.fixture
def module_with_lessons():
    return factories.module_with_lessons


@pytest.fixture
def skill_factory():
    return factories.SkillFactory
