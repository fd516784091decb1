"""Drop ``PlanItem.due_at`` (replaced by the calendar day ``due_on`` in ``0003``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("onboarding", "0003_due_on"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="planitem", name="onboarding__status_32967e_idx"),
        migrations.RemoveField(model_name="planitem", name="due_at"),
        migrations.AlterField(
            model_name="planitem",
            name="due_on",
            field=models.DateField(
                help_text="A calendar day: the same day for everyone, whatever their time zone.",
                verbose_name="due on",
            ),
        ),
        migrations.AddIndex(
            model_name="planitem",
            index=models.Index(fields=["status", "due_on"], name="onboarding__status_2e206d_idx"),
        ),
    ]
