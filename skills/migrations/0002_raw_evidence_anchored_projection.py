"""Evidence stored raw; the projection anchored at the time it was computed (see
skills/skill_model.py). Existing rows are converted in place: ``occurred_day`` from
``occurred_at``, and each projection row's epoch-referenced sums times ½^((now − epoch)/H)."""

from datetime import UTC, datetime

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


def _days(moment):
    return (moment - EPOCH).total_seconds() / 86_400


def convert(apps, schema_editor):
    evidence = apps.get_model("skills", "SkillEvidence")
    batch = []
    for row in evidence.objects.only("pk", "occurred_at").iterator(chunk_size=2000):
        row.occurred_day = _days(row.occurred_at)
        batch.append(row)
        if len(batch) == 2000:
            evidence.objects.bulk_update(batch, ["occurred_day"])
            batch = []
    evidence.objects.bulk_update(batch, ["occurred_day"])
    now = timezone.now()
    factor = 0.5 ** min(_days(now) / float(settings.SKILL_HALF_LIFE_DAYS), 1000.0)
    projection = apps.get_model("skills", "SkillProficiency")
    projection.objects.update(
        alpha=models.F("alpha") * factor, beta=models.F("beta") * factor, anchor_day=_days(now)
    )


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="skillevidence",
            name="occurred_day",
            field=models.FloatField(
                default=0, help_text="occurred_at as days since 2025-01-01, for the decay in SQL."
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="skillproficiency",
            name="anchor_day",
            field=models.FloatField(
                default=0, help_text="When α and β were computed (days since 2025)."
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="skillproficiency", name="alpha", field=models.FloatField()
        ),
        migrations.AlterField(
            model_name="skillproficiency", name="beta", field=models.FloatField()
        ),
        migrations.RunPython(convert, migrations.RunPython.noop),
        migrations.RemoveField(model_name="skillevidence", name="alpha_part"),
        migrations.RemoveField(model_name="skillevidence", name="beta_part"),
    ]
