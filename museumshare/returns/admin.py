from django.contrib import admin

from museumshare.core.admin import AuditedAdmin
from museumshare.returns.models import Indicator, ReportingYear, Return, ReturnEvent, ReturnValue


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["code", "name", "section", "unit", "rule", "required", "first_year", "last_year"]
    list_filter = ["section", "required"]
    search_fields = ["code", "name"]


@admin.register(ReportingYear)
class ReportingYearAdmin(AuditedAdmin):
    list_display = ["__str__", "status", "deadline"]
    filter_horizontal = ["organisations"]


@admin.register(Return)
class ReturnAdmin(AuditedAdmin):
    list_display = ["organisation", "year", "status", "submitted_at", "approved_at"]
    list_filter = ["year", "status"]
    raw_id_fields = ["organisation", "submitted_by", "approved_by"]


@admin.register(ReturnValue)
class ReturnValueAdmin(AuditedAdmin):
    list_display = ["annual_return", "indicator", "value", "derived", "source"]
    list_filter = ["source"]
    raw_id_fields = ["annual_return", "indicator", "updated_by"]


@admin.register(ReturnEvent)
class ReturnEventAdmin(AuditedAdmin):
    list_display = ["annual_return", "status", "at", "actor"]
    raw_id_fields = ["annual_return", "actor"]
