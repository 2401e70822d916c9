"""The Django admin is for superusers only. It shows metadata; ciphertexts and keys are not shown or editable."""

from django.contrib import admin

from plein.reports.models import Channel, ChannelMembership, Report


class MembershipInline(admin.TabularInline):
    model = ChannelMembership
    extra = 0
    fields = ["user", "added_at", "confirmed_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "organisation", "is_active", "anonymity_allowed", "retention_days"]
    list_filter = ["organisation", "is_active"]
    inlines = [MembershipInline]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only metadata. Changing reports goes through the services, never through the admin."""

    list_display = ["reference", "channel", "mode", "status", "received_at", "acknowledge_before", "acknowledged_at"]
    list_filter = ["channel", "status", "mode"]
    fields = [
        "reference",
        "organisation",
        "channel",
        "mode",
        "status",
        "category",
        "outcome",
        "received_at",
        "acknowledge_before",
        "feedback_before",
        "acknowledged_at",
        "closed_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
