"""The Django admin is a superuser's emergency tool. History is read-only here too: it is append-only."""

from django.contrib import admin

from plein.positions.models import (
    OutsideActivitiesTalk,
    PositionProfile,
    PositionProfileHistory,
    ReviewItem,
    ReviewRound,
    VogScreening,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PositionProfile)
class PositionProfileAdmin(ReadOnlyAdmin):
    list_display = ["position", "risk_level", "vog_required", "financial_interests", "next_review_due"]
    list_filter = ["risk_level", "vog_required", "financial_interests", "publish_outside_activities"]
    search_fields = ["position__code", "position__title"]


@admin.register(PositionProfileHistory)
class PositionProfileHistoryAdmin(ReadOnlyAdmin):
    list_display = ["profile", "version", "change", "changed_at", "changed_by"]
    list_select_related = ["profile__position", "changed_by"]


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "status", "started_at", "completed_at"]


@admin.register(ReviewItem)
class ReviewItemAdmin(ReadOnlyAdmin):
    list_display = ["round", "position", "status"]
    list_select_related = ["round", "position"]


@admin.register(VogScreening)
class VogScreeningAdmin(ReadOnlyAdmin):
    list_display = ["employee", "requested_on", "received_on", "valid_from", "rescreening_due"]
    list_select_related = ["employee"]


@admin.register(OutsideActivitiesTalk)
class OutsideActivitiesTalkAdmin(ReadOnlyAdmin):
    list_display = ["employee", "held_on"]
    list_select_related = ["employee"]
