import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from leerkoers.policy.sections import ORDER, TITLES


class Format(models.TextChoices):
    DOCX = "docx", _("Word (DOCX)")
    PDF = "pdf", _("PDF")


class Language(models.TextChoices):
    NL = "nl", _("Dutch")
    EN = "en", _("English")


SECTION_CHOICES = [(key, TITLES[key]) for key in ORDER]


class PolicySection(models.Model):
    """How one section appears in the organisation's document: its place, whether it is in,
    and the texts HR writes around the figures. Without a row a section is in, in the
    default order, without texts."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("section"), max_length=30, choices=SECTION_CHOICES)
    position = models.PositiveSmallIntegerField(_("position"))
    enabled = models.BooleanField(_("in the document"), default=True)
    intro = models.TextField(_("introduction"), max_length=5000, blank=True)
    closing = models.TextField(_("closing text"), max_length=5000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="policysection_unique_key")]

    def __str__(self) -> str:
        return str(TITLES.get(self.key, self.key))


class PolicyExport(models.Model):
    """One exported version of the policy document, kept with its file and its figures.

    The file is stored in the database rather than under MEDIA_ROOT: app processes and task
    workers share the database and nothing else (DESIGN.md §4), and a document is a few
    hundred kilobytes."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, editable=False)
    number = models.PositiveIntegerField(_("version"))
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    as_of = models.DateField(_("figures as of"))
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    size = models.PositiveIntegerField(default=0)
    # [{"key", "title", "has_data"}] in the document's order
    sections = models.JSONField(default=list)
    # [{"key", "label", "value", "number"}]: what `compare` reads
    figures = models.JSONField(default=list)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="policyexport_unique_number"),
            models.UniqueConstraint(fields=["organization", "public_id"], name="policyexport_unique_public_id"),
        ]

    def __str__(self) -> str:
        return f"v{self.number} ({self.format}, {self.language})"

    @property
    def content_type(self) -> str:
        if self.format == Format.PDF:
            return "application/pdf"
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
