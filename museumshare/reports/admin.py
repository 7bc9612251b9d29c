from django.contrib import admin

from museumshare.core.admin import AuditedAdmin
from museumshare.reports.models import ReportVersion


@admin.register(ReportVersion)
class ReportVersionAdmin(AuditedAdmin):
    list_display = ["__str__", "published_at", "published_by"]
    readonly_fields = ["year", "version", "published_at", "published_by", "note", "data"]
    exclude = ["pdf", "xlsx"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # a published version never changes: a correction is a new version
