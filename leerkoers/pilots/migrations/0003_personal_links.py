"""Personal single-use links to evaluation forms, and responses that say whether they came
through one. A response's key becomes a random integer (on SQLite the rowid itself): a UUID
key left SQLite's hidden rowid beside it, which numbers the rows in the order they were
written. The rows are copied to a new table in random order with random keys, so neither the
new keys nor the storage order keep the old order."""

import random

import django.db.models.deletion
from django.db import migrations, models

import leerkoers.scan.models


def copy_responses(apps, schema_editor):
    old = apps.get_model("pilots", "EvaluationResponse")
    new = apps.get_model("pilots", "EvaluationResponseNew")
    rows = list(old.objects.values("organization_id", "form_id", "answers"))
    random.SystemRandom().shuffle(rows)
    new.objects.bulk_create(new(id=leerkoers.scan.models.random_id(), verified=False, **row) for row in rows)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
        ("pilots", "0002_evaluation_forms"),
    ]

    operations = [
        migrations.CreateModel(
            name="EvaluationResponseNew",
            fields=[
                (
                    "id",
                    leerkoers.scan.models.RandomIdField(
                        default=leerkoers.scan.models.random_id, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("answers", models.JSONField()),
                ("verified", models.BooleanField(default=False)),
                (
                    "form",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="pilots.evaluationform"
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="orgs.organization"
                    ),
                ),
            ],
        ),
        migrations.RunPython(copy_responses, migrations.RunPython.noop),
        migrations.DeleteModel(name="EvaluationResponse"),
        migrations.RenameModel(old_name="EvaluationResponseNew", new_name="EvaluationResponse"),
        migrations.AlterField(
            model_name="evaluationresponse",
            name="form",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="responses", to="pilots.evaluationform"
            ),
        ),
        migrations.CreateModel(
            name="EvaluationInvitation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email", models.EmailField(blank=True, max_length=254)),
                ("token_hash", models.CharField(max_length=64, unique=True)),
                ("sent_at", models.DateTimeField(auto_now_add=True)),
                ("used", models.BooleanField(default=False)),
                (
                    "form",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invitations",
                        to="pilots.evaluationform",
                    ),
                ),
                (
                    "membership",
                    models.ForeignKey(
                        null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="orgs.membership"
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="orgs.organization"
                    ),
                ),
            ],
            options={
                "ordering": ["pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "form", "membership"), name="pilots_invitation_unique"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("email", ""), _negated=True),
                        fields=("organization", "form", "email"),
                        name="pilots_invitation_unique_email",
                    ),
                ],
            },
        ),
    ]
