"""Every table with a foreign key to the organisation is exported, restored and deleted.

The plan (leerkoers/portability/registry.py) is built from the app registry, so a new app's
tables are in it the moment they exist; this test fails when one of them has something the
walk cannot handle by itself (a reference to a table outside every organisation, a file
path it does not know, a child table without the organisation) — the fix is one line in
DECLARATIONS or SHARED_TABLES (docs/portability.md). The second half shows both outcomes
with test-only models, and runs a real export, restore and deletion over one of them.
"""

import io
import json

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import isolate_apps

from leerkoers.orgs.models import Membership, Organization
from leerkoers.portability.exporting import export_json
from leerkoers.portability.registry import ORGANIZATION, build_plan
from leerkoers.portability.restoring import organization_restore
from leerkoers.portability.services import organization_delete


def _has_org_fk(model) -> bool:
    return any(f.is_relation and f.related_model._meta.label == ORGANIZATION for f in model._meta.concrete_fields)


def test_it_covers_every_model_with_an_organisation_in_export_restore_and_deletion():
    plan = build_plan()
    tenant = [m for m in apps.get_models() if _has_org_fk(m)]
    assert tenant, "no organisation tables found"
    deleted = {t.model for t in plan.tables}
    exported = {t.model for t in plan.exported}
    for model in tenant:
        assert model in deleted, f"{model._meta.label} is not deleted with the organisation"
        declaration = plan.table_for(model).declaration
        assert model in exported or declaration.reason, f"{model._meta.label} is not exported, for no stated reason"
    assert plan.gaps() == []


def _models(*, only_gadget: bool = False):
    class Catalogue(models.Model):
        """A table outside every organisation (like a questionnaire version)."""

        name = models.CharField(max_length=20)

        class Meta:
            app_label = "portability"

    class Gadget(models.Model):
        organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
        name = models.CharField(max_length=50)
        parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True)
        owner = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True)

        class Meta:
            app_label = "portability"

    if only_gadget:
        return (Gadget,)

    class Uncovered(models.Model):
        organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
        catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE)
        attachment_path = models.CharField(max_length=200)
        figures = models.JSONField(default=dict)

        class Meta:
            app_label = "portability"

    class Orphan(models.Model):
        gadget = models.ForeignKey(Gadget, on_delete=models.CASCADE)

        class Meta:
            app_label = "portability"

    return Gadget, Uncovered, Orphan, Catalogue


def test_it_reports_a_new_table_that_the_walk_cannot_handle():
    with isolate_apps("leerkoers.portability"):
        Gadget, Uncovered, Orphan, Catalogue = _models()
    plan = build_plan([*apps.get_models(), Gadget, Uncovered, Orphan, Catalogue])

    gaps = "\n".join(plan.gaps())
    assert "portability.Uncovered: field 'catalogue' refers to portability.Catalogue" in gaps
    assert "portability.Uncovered: field 'attachment_path' looks like the path of a file" in gaps
    assert "portability.Uncovered: JSON field 'figures' is not declared" in gaps
    assert "portability.Orphan.gadget points at portability.Gadget but the table has no foreign key" in gaps
    assert "Gadget:" not in gaps  # a plain new table is covered without a line of declaration


@pytest.mark.django_db(transaction=True)
def test_it_exports_restores_and_deletes_a_new_table_without_any_declaration(seed_demo):
    with isolate_apps("leerkoers.portability"):
        (Gadget,) = _models(only_gadget=True)
    with connection.schema_editor() as editor:
        editor.create_model(Gadget)
    try:
        demo = Organization.objects.get(slug="demo")
        top = Gadget.objects.create(organization=demo, name="top")
        Gadget.objects.create(organization=demo, name="child", parent=top, owner=demo.memberships.first())
        plan = build_plan([*apps.get_models(), Gadget])
        assert plan.gaps() == []

        out = io.StringIO()
        export_json(organization=demo, out=out, plan=plan)
        document = json.loads(out.getvalue())
        assert [r["name"] for r in document["tables"]["portability.gadget"]["rows"]] == ["top", "child"]

        restored = organization_restore(data=document, slug="demo-copy", plan=plan).organization
        copies = {g.name: g for g in Gadget.objects.filter(organization=restored)}
        assert copies["child"].parent == copies["top"]
        assert copies["child"].owner.organization == restored
        assert copies["top"].pk not in {top.pk}

        organization_delete(organization=demo, plan=plan)
        assert not Gadget.objects.filter(organization_id=demo.pk).exists()
        assert Gadget.objects.filter(organization=restored).count() == 2
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(Gadget)
