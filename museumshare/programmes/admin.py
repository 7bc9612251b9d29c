from django.contrib import admin

from museumshare.core.admin import AuditedAdmin
from museumshare.programmes.models import (
    Action,
    Application,
    Display,
    Event,
    MentoringPair,
    Opportunity,
    Participation,
    Programme,
    ProgrammeMember,
    Registration,
    Resource,
)


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["name", "lead", "status", "start_date", "public"]
    search_fields = ["name", "lead__name"]
    raw_id_fields = ["lead"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ProgrammeMember)
class ProgrammeMemberAdmin(AuditedAdmin):
    list_display = ["organisation", "programme", "role", "joined", "left"]
    list_filter = ["programme", "role"]
    raw_id_fields = ["programme", "organisation"]


@admin.register(Opportunity)
class OpportunityAdmin(AuditedAdmin):
    list_display = ["title", "host", "kind", "status", "closing_date", "is_demo"]
    list_filter = ["status", "kind", "skills_area", "is_demo"]
    search_fields = ["title", "host__name"]
    raw_id_fields = ["programme", "host", "activity", "created_by"]


@admin.register(Application)
class ApplicationAdmin(AuditedAdmin):
    list_display = ["applicant", "opportunity", "status", "submitted_at"]
    list_filter = ["status"]
    raw_id_fields = ["opportunity", "applicant", "organisation"]


@admin.register(Participation)
class ParticipationAdmin(AuditedAdmin):
    list_display = ["name", "opportunity", "home", "outcome", "is_demo"]
    raw_id_fields = ["opportunity", "application", "participant", "home"]


@admin.register(MentoringPair)
class MentoringPairAdmin(AuditedAdmin):
    list_display = ["mentor_name", "mentee_name", "programme", "start_date"]
    raw_id_fields = ["programme", "mentor", "mentor_organisation", "mentee", "mentee_organisation", "activity"]


@admin.register(Event)
class EventAdmin(AuditedAdmin):
    list_display = ["title", "kind", "organiser", "starts_at"]
    list_filter = ["kind"]
    raw_id_fields = ["programme", "organiser", "activity"]


@admin.register(Registration)
class RegistrationAdmin(AuditedAdmin):
    list_display = ["user", "event", "attended"]
    raw_id_fields = ["event", "user", "organisation"]


@admin.register(Action)
class ActionAdmin(AuditedAdmin):
    list_display = ["description", "event", "due_date", "done"]
    raw_id_fields = ["event", "owner"]


@admin.register(Display)
class DisplayAdmin(AuditedAdmin):
    list_display = ["title", "programme", "host", "opens"]
    raw_id_fields = ["programme", "host", "activity"]


@admin.register(Resource)
class ResourceAdmin(AuditedAdmin):
    list_display = ["title", "kind", "programme", "published"]
    list_filter = ["kind", "skills_area"]
    search_fields = ["title", "description", "topic"]
    raw_id_fields = ["programme", "organisation", "created_by"]
