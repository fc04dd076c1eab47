# RateLimitCounter moved to the ratelimit app, which took over (and renamed) its table:
# remove it from this app's state only.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("scan", "0002_ratelimitcounter"),
        ("ratelimit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RateLimitCounter")],
        ),
    ]
