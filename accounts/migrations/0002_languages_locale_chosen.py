"""English and Polish only (German, French and Spanish had no catalogue: people who picked them
saw English anyway), and a flag for "the person chose their language and time zone"."""

from django.db import migrations, models


def forward(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.exclude(language__in=["en", "pl"]).update(language="en")
    # Someone who set a zone other than the default chose it; keep it from the browser's guess.
    User.objects.exclude(time_zone="UTC").update(locale_chosen=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="locale_chosen",
            field=models.BooleanField(
                db_default=False, default=False, verbose_name="language and time zone chosen"
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("pl", "Polish")],
                default="en",
                max_length=10,
                verbose_name="language",
            ),
        ),
    ]
