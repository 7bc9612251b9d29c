"""Published reports: each a frozen snapshot of the figures and the files, never changed afterwards.
A correction is a new version with a note of what changed; earlier versions stay readable."""

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from museumshare.core.text import LONG_TEXT, no_control_characters_but_line_breaks
from museumshare.returns.models import ReportingYear


class ReportVersion(models.Model):
    year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="report_versions")
    version = models.PositiveSmallIntegerField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(
        blank=True,
        help_text="What changed since the version before.",
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    data: Any = models.JSONField(help_text="The report's figures as published: the JSON format.")
    pdf = models.BinaryField()
    xlsx = models.BinaryField()

    class Meta:
        ordering = ["year", "-version"]
        get_latest_by = "version"
        constraints = [models.UniqueConstraint(fields=["year", "version"], name="one_report_version_number")]

    def __str__(self) -> str:
        return f"Museum Partnership Report {self.year.label}, version {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("reports:version", args=[self.year.slug, self.version])
