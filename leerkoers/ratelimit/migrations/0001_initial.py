# The counter moved here from the scan app (scan 0002 created its table). The state takes the
# model over from scan (whose 0003 drops it from its state only) and the table is renamed, so
# running windows keep their counts; nothing is dropped or re-created.

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("scan", "0002_ratelimitcounter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RateLimitCounter",
                    fields=[
                        ("key", models.CharField(max_length=200, primary_key=True, serialize=False)),
                        ("window_end", models.BigIntegerField()),
                        ("count", models.PositiveIntegerField()),
                    ],
                    options={"db_table": "scan_ratelimitcounter"},
                ),
            ],
        ),
        migrations.AlterModelTable(name="RateLimitCounter", table=None),
    ]
