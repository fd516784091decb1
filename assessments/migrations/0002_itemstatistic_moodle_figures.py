"""Item analysis with Moodle's definitions: the 27% upper-minus-lower ``discrimination`` goes;
``discrimination_index`` and ``discriminative_efficiency`` (both nullable) come.

The old rows are derived data computed with the old definitions (and over all attempts), so
they are deleted: ``attempts_sweep``'s backstop finds every version with enough scored
attempts and no statistics, and recomputes it within minutes (50 versions per run).
"""

from typing import Any

from django.db import migrations, models


def item_statistics_delete(apps: Any, schema_editor: Any) -> None:
    apps.get_model("assessments", "ItemStatistic").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(item_statistics_delete, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="itemstatistic",
            name="discrimination",
        ),
        migrations.AddField(
            model_name="itemstatistic",
            name="discrimination_index",
            field=models.FloatField(
                blank=True,
                help_text=(
                    "100 × the correlation of the question's mark with the rest of the test, "
                    "−100..100. Empty when the question or the rest has no variance."
                ),
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="itemstatistic",
            name="discriminative_efficiency",
            field=models.FloatField(
                blank=True,
                help_text=(
                    "The discrimination index as a percentage of the highest one these marks "
                    "allow. Empty when the question or the rest has no variance."
                ),
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="itemstatistic",
            name="attempts",
            field=models.PositiveIntegerField(help_text="Attempts analysed (n)."),
        ),
    ]
