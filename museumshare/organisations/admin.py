from django.contrib import admin

from museumshare.organisations.models import Contact, Membership, Organisation, Venue


class VenueInline(admin.TabularInline[Venue, Organisation]):
    model = Venue
    fk_name = "organisation"
    extra = 0
    fields = ("name", "site", "town", "postcode", "district_name")
    raw_id_fields = ("site",)


class ContactInline(admin.TabularInline[Contact, Organisation]):
    model = Contact
    extra = 0
    fields = Contact.FIELDS


class MembershipInline(admin.TabularInline[Membership, Organisation]):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "kind", "town", "nation", "district_name", "is_national", "year_closed", "needs_review")
    list_filter = ("kind", "is_national", "partnership_report", "nation", "accreditation", "size", "needs_review")
    search_fields = ("name", "external_id", "postcode", "town")
    readonly_fields = ("external_id", "created_at", "updated_at")
    raw_id_fields = ("national_group",)
    inlines = (VenueInline, ContactInline, MembershipInline)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin[Venue]):
    list_display = ("name", "organisation", "town", "district_name")
    search_fields = ("name", "organisation__name")
    raw_id_fields = ("organisation", "site")


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin[Contact]):
    list_display = ("name", "role", "organisation", "listed_publicly", "is_partnership_lead")
    list_filter = ("listed_publicly", "is_partnership_lead")
    search_fields = ("name", "email", "organisation__name")
    raw_id_fields = ("organisation",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ("user", "organisation", "role")
    list_filter = ("role",)
    search_fields = ("user__email", "organisation__name")
    raw_id_fields = ("user", "organisation")
