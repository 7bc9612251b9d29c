from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest

from museumshare.core import audit
from museumshare.core.models import AuditEntry


class AuditedAdmin(admin.ModelAdmin[Any]):
    """An admin whose saves and deletions go into the audit log like any other write.

    Models edited through it have no inlines: each related record is changed on its own
    admin page, so that every change passes through here.
    """

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        concrete = {field.name for field in obj._meta.concrete_fields}
        fields = [name for name in form.changed_data if name in concrete]
        before = {name: audit.plain(form.initial.get(name)) for name in fields} if change else {}
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action=f"{obj._meta.model_name}.admin_{'change' if change else 'add'}",
            obj=obj,
            changes=audit.diff(before, audit.snapshot(obj, fields)),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(actor=request.user, action=f"{obj._meta.model_name}.admin_delete", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            audit.record(actor=request.user, action=f"{obj._meta.model_name}.admin_delete", obj=obj)
        super().delete_queryset(request, queryset)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ("at", "who", "address", "action", "object_repr")
    list_filter = ("action", "content_type")
    # By the email as it was: a deleted person's entries are still found by theirs.
    search_fields = ("object_repr", "actor_email", "actor_name", "address")
    readonly_fields = (
        "at",
        "actor_name",
        "actor_email",
        "address",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "changes",
    )
    fields = readonly_fields

    # The log is a record of what happened; nobody edits or deletes it.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
