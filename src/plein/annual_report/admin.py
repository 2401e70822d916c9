"""Read-only admin for superusers: the texts and the plan are edited in the product, where every change is audited."""

from django.contrib import admin

from plein.annual_report.models import AnnualReport, PlanAction


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "year", "status", "published_at"]
    list_filter = ["status"]
    exclude = ["snapshot", "published_pdf"]


@admin.register(PlanAction)
class PlanActionAdmin(ReadOnlyAdmin):
    list_display = ["title", "theme", "owner", "planned_year", "planned_quarter", "status"]
    list_filter = ["status", "planned_year"]
