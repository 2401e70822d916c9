from django.contrib import admin

from plein.learning.models import Attendance, Course, Event, Registration, Reminder, Requirement


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "kind", "organisation"]
    list_filter = ["kind"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "kind", "date", "start_time", "location", "capacity", "organiser"]
    list_filter = ["kind", "in_public_feed"]
    date_hierarchy = "date"
    search_fields = ["title", "code"]
    raw_id_fields = ["course", "created_by", "hosts"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["employee", "event", "status", "registered_at"]
    list_filter = ["status"]
    raw_id_fields = ["employee", "event", "registered_by"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["employee", "event", "attended_on", "source"]
    list_filter = ["source"]
    raw_id_fields = ["employee", "event", "recorded_by"]


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ["course", "audience", "new_starters_only", "applies_from", "due_months", "is_active"]
    list_filter = ["audience", "is_active"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["employee", "requirement", "due_date", "offset_days", "sent_at", "cancelled_at"]
    raw_id_fields = ["employee", "requirement"]
