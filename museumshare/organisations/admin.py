from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from museumshare.core.admin import AuditedAdmin
from museumshare.organisations.models import Contact, Membership, Organisation, Venue


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "kind", "town", "nation", "district_name", "is_national", "year_closed", "needs_review")
    list_filter = ("kind", "is_national", "partnership_report", "nation", "accreditation", "size", "needs_review")
    search_fields = ("name", "external_id", "postcode", "town")
    readonly_fields = ("external_id", "created_at", "updated_at")
    raw_id_fields = ("national_group",)
    prepopulated_fields = {"slug": ("name",)}

    def save_model(self, request: HttpRequest, obj: Organisation, form: ModelForm[Organisation], change: bool) -> None:
        obj.search_text = obj.make_search_text()
        super().save_model(request, obj, form, change)


@admin.register(Venue)
class VenueAdmin(AuditedAdmin):
    list_display = ("name", "organisation", "town", "district_name")
    search_fields = ("name", "organisation__name")
    raw_id_fields = ("organisation", "site")


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    list_display = ("name", "role", "organisation", "listed_publicly", "is_partnership_lead")
    list_filter = ("listed_publicly", "is_partnership_lead")
    search_fields = ("name", "email", "organisation__name")
    raw_id_fields = ("organisation",)


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "organisation", "role")
    list_filter = ("role",)
    search_fields = ("user__email", "organisation__name")
    raw_id_fields = ("user", "organisation")
