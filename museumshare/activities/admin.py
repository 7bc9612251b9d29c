from django.contrib import admin

from museumshare.activities.models import Activity, Network, NetworkMembership, Partner, Place
from museumshare.core.admin import AuditedAdmin


@admin.register(Activity)
class ActivityAdmin(AuditedAdmin):
    list_display = ("title", "kind", "lead", "start_date", "end_date", "status", "visibility")
    list_filter = ("kind", "status", "visibility", "not_pre_planned", "digital")
    search_fields = ("title", "external_ref", "lead__name")
    raw_id_fields = ("lead", "created_by")
    date_hierarchy = "start_date"


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin):
    list_display = ("activity", "organisation", "role", "visitors", "participants")
    list_filter = ("role",)
    search_fields = ("activity__title", "organisation__name")
    raw_id_fields = ("activity", "organisation", "venue")


@admin.register(Place)
class PlaceAdmin(AuditedAdmin):
    list_display = ("name", "activity", "district_name", "region_name", "country")
    search_fields = ("name", "activity__title", "district_code")
    raw_id_fields = ("activity", "organisation", "venue")


@admin.register(Network)
class NetworkAdmin(AuditedAdmin):
    list_display = ("name", "kind", "coordinator")
    list_filter = ("kind",)
    search_fields = ("name",)
    raw_id_fields = ("coordinator",)


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(AuditedAdmin):
    list_display = ("network", "organisation", "year")
    list_filter = ("year", "network")
    search_fields = ("network__name", "organisation__name")
    raw_id_fields = ("network", "organisation")
