import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditEntry(models.Model):
    """One write to partnership data, or one security event: who did what to which record, from
    where, and what changed.

    Written only by `core.audit.record` and `core.audit.entry`, which every write service calls
    inside its own transaction, so an entry exists exactly when its change does. An entry is
    never changed afterwards: on PostgreSQL the table refuses UPDATE and DELETE.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Deleting a person leaves their entries as they were: no constraint and nothing done on
    # delete, so the id stays (ids are never reused) and actor_name and actor_email say who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    actor_email = models.CharField(max_length=254, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]
        verbose_name_plural = "audit entries"
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.who} {self.action} {self.object_repr}"

    @property
    def who(self) -> str:
        """The actor as they were named when they acted, or "museumshare" for the system."""
        return self.actor_name or self.actor_email or "museumshare"
