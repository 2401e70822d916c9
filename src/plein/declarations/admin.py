"""Django admin (superusers only). Financial interests are left out: only the integrity coordinator sees them."""

from django.contrib import admin

from plein.declarations.models import (
    ActivityEvent,
    Campaign,
    Candidate,
    Gift,
    OutsideActivity,
    Participant,
)


class ReadOnlyHistory(admin.TabularInline):
    model = ActivityEvent
    extra = 0
    can_delete = False
    fields = ["occurred_at", "kind", "actor_name", "decision"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutsideActivity)
class OutsideActivityAdmin(admin.ModelAdmin):
    list_display = ["role", "external_organisation", "employee", "candidate", "status", "decision", "declared_on"]
    list_filter = ["status", "decision", "source"]
    raw_id_fields = ["employee", "candidate", "decided_by"]
    inlines = [ReadOnlyHistory]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["full_name", "start_date", "interview_on", "employee"]
    raw_id_fields = ["employee", "position", "unit", "recorded_by"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["year", "scope", "started_on", "deadline", "closed_on"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["campaign", "employee", "response", "financial_response", "confirmed_at"]
    raw_id_fields = ["employee", "unit", "campaign"]


@admin.register(Gift)
class GiftAdmin(admin.ModelAdmin):
    list_display = ["employee", "kind", "direction", "estimated_value", "decision", "date"]
    list_filter = ["decision", "kind", "direction"]
    raw_id_fields = ["employee", "decided_by"]
