"""Drop ``Assignment.due_at`` (replaced by the calendar day ``due_on`` in ``0003``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_due_on"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="assignment",
            options={
                "ordering": ("status", models.OrderBy(models.F("due_on"), nulls_last=True), "pk")
            },
        ),
        migrations.RemoveIndex(model_name="assignment", name="courses_ass_user_id_992ad4_idx"),
        migrations.RemoveIndex(model_name="assignment", name="courses_ass_status_42cbd4_idx"),
        migrations.RemoveField(model_name="assignment", name="due_at"),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["user", "status", "due_on"], name="courses_ass_user_id_fc7765_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["status", "due_on"], name="courses_ass_status_36593c_idx"),
        ),
    ]
