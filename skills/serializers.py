"""Input and output shapes of the skills API: the views render their answers with these."""

from datetime import UTC

from rest_framework import serializers

from core.api import DictOutput


class SkillOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField()


class SkillCellOutput(DictOutput):  # a team's answer has hundreds of cells
    skill = serializers.CharField()
    level = serializers.FloatField(help_text="0..1; 0.5 with no evidence.")
    confidence = serializers.FloatField()
    evidence = serializers.FloatField(help_text="Decayed units of evidence.")
    enough_evidence = serializers.BooleanField()
    likely_low = serializers.FloatField(
        help_text="Bottom of the central 95% credible interval of the level."
    )
    likely_high = serializers.FloatField(help_text="Top of that interval.")
    target = serializers.FloatField(allow_null=True)
    gap = serializers.FloatField(
        allow_null=True, help_text="target − level; null without enough evidence or a target."
    )
    category = serializers.ChoiceField(
        choices=["unknown", "neutral", "met", "near", "gap"],
        help_text="Decided on unrounded values, the same on every page and report: not enough "
        "evidence, no target, on target, below target but the target is within the likely "
        "interval (near), or the whole interval below the target (gap).",
    )


class SkillGapMemberOutput(serializers.Serializer):
    user = serializers.IntegerField()
    name = serializers.CharField()
    role_profile = serializers.CharField(allow_null=True)
    skills = SkillCellOutput(many=True)


class TeamSkillGapsOutput(serializers.Serializer):
    team = serializers.IntegerField()
    team_name = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())
    members = SkillGapMemberOutput(many=True)


class EvidenceItemOutput(serializers.Serializer):
    source = serializers.CharField()  # type: ignore[assignment]
    about = serializers.CharField()
    occurred_at = serializers.DateTimeField(default_timezone=UTC)  # as stored, not the reader's
    outcome = serializers.FloatField()
    weight = serializers.FloatField()
    alpha_now = serializers.FloatField(help_text="What it adds to α today (after decay).")
    beta_now = serializers.FloatField(help_text="What it adds to β today (after decay).")


class ProfileSkillOutput(SkillCellOutput):
    name = serializers.CharField()
    evidence_count = serializers.IntegerField()
    evidence_items = EvidenceItemOutput(many=True, help_text="The latest 20 pieces.")


class SkillModelOutput(serializers.Serializer):
    prior_alpha = serializers.FloatField()
    prior_beta = serializers.FloatField()
    half_life_days = serializers.IntegerField()
    min_evidence = serializers.FloatField()


class SkillProfileOutput(serializers.Serializer):
    user = serializers.IntegerField()
    name = serializers.CharField()
    role_profile = serializers.CharField(allow_null=True)
    model = SkillModelOutput()
    skills = ProfileSkillOutput(many=True)


class OrgSkillSummaryOutput(serializers.Serializer):
    skill = serializers.CharField(help_text="The skill's slug.")
    people = serializers.IntegerField()
    mean_level = serializers.FloatField(allow_null=True)
    below_target = serializers.IntegerField(
        help_text="People surely below their role's target: even the top of the likely "
        "interval is below it (the heatmap's gap cells)."
    )
    near_target = serializers.IntegerField(
        help_text="People below their role's target but not surely: the target is still "
        "within the likely interval (the heatmap's near cells)."
    )


class OrgSkillReportOutput(serializers.Serializer):
    """One page of people (``count``, ``next``, ``previous``, ``results``) and the per-skill
    figures across the organisation (``skills``)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SkillGapMemberOutput(many=True)
    skills = OrgSkillSummaryOutput(many=True)
