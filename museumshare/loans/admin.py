from django.contrib import admin

from museumshare.core.admin import AuditedAdmin
from museumshare.loans.models import (
    CollectionObject,
    ConditionCheck,
    FacilitiesReport,
    Loan,
    LoanDocument,
    LoanEvent,
    LoanObject,
    LoansPolicy,
)


@admin.register(Loan)
class LoanAdmin(AuditedAdmin):
    list_display = ["reference", "lender", "borrower", "status", "requested_start", "requested_end"]
    list_filter = ["status", "purpose"]
    search_fields = ["reference", "exhibition_title", "lender__name", "borrower__name"]
    raw_id_fields = ["lender", "borrower", "venue", "facilities_report", "activity", "created_by"]


@admin.register(LoanObject)
class LoanObjectAdmin(AuditedAdmin):
    list_display = ["loan", "object"]
    search_fields = ["loan__reference", "object__accession_number", "object__title"]
    raw_id_fields = ["loan", "object"]


@admin.register(LoanEvent)
class LoanEventAdmin(AuditedAdmin):
    list_display = ["loan", "status", "at", "actor"]
    raw_id_fields = ["loan", "actor"]


@admin.register(LoanDocument)
class LoanDocumentAdmin(AuditedAdmin):
    list_display = ["title", "loan", "kind", "uploaded_at"]
    raw_id_fields = ["loan", "uploaded_by"]


@admin.register(ConditionCheck)
class ConditionCheckAdmin(AuditedAdmin):
    list_display = ["loan_object", "stage", "checked_on", "changed"]
    raw_id_fields = ["loan_object", "checked_by"]


@admin.register(CollectionObject)
class CollectionObjectAdmin(AuditedAdmin):
    list_display = ["accession_number", "title", "owner", "lendable"]
    search_fields = ["accession_number", "title", "owner__name"]
    raw_id_fields = ["owner"]


@admin.register(FacilitiesReport)
class FacilitiesReportAdmin(AuditedAdmin):
    list_display = ["organisation", "venue", "completed_on", "review_date"]
    raw_id_fields = ["organisation", "venue"]


@admin.register(LoansPolicy)
class LoansPolicyAdmin(AuditedAdmin):
    list_display = ["organisation", "notice_weeks"]
    raw_id_fields = ["organisation"]
