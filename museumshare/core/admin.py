from django.contrib import admin
from django.http import HttpRequest

from museumshare.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ("at", "actor", "action", "object_repr")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "actor__email")
    readonly_fields = ("at", "actor", "action", "content_type", "object_id", "object_repr", "changes")

    # The log is a record of what happened; nobody edits or deletes it.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
