from django.contrib import admin

from museumshare.core.admin import AuditedAdmin
from museumshare.needs.models import Need, Offer


@admin.register(Need)
class NeedAdmin(AuditedAdmin):
    list_display = ["title", "organisation", "kind", "status", "visibility", "created_at"]
    list_filter = ["kind", "status", "visibility"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["organisation", "met_activity", "met_loan", "created_by"]


@admin.register(Offer)
class OfferAdmin(AuditedAdmin):
    list_display = ["title", "organisation", "kind", "status", "visibility", "created_at"]
    list_filter = ["kind", "status", "visibility"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["organisation", "created_by"]
