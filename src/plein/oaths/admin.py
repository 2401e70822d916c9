from django.contrib import admin

from plein.oaths.models import Ceremony, CeremonyDilemma, Invitation, OathText, Registration, Reminder


class DilemmaInline(admin.TabularInline):
    model = CeremonyDilemma
    extra = 0


@admin.register(Ceremony)
class CeremonyAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "location", "chair_name", "capacity", "format"]
    list_filter = ["format"]
    date_hierarchy = "date"
    raw_id_fields = ["chair", "created_by"]
    inlines = [DilemmaInline]


@admin.register(OathText)
class OathTextAdmin(admin.ModelAdmin):
    list_display = ["form", "version", "effective_from", "organisation"]
    list_filter = ["form"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["employee", "ceremony", "form", "status", "source", "taken_on"]
    list_filter = ["status", "source", "form"]
    search_fields = ["employee__personnel_number", "employee__last_name"]
    raw_id_fields = ["employee", "ceremony", "text", "registered_by", "checked_in_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["employee", "ceremony", "invited_at"]
    raw_id_fields = ["employee", "ceremony", "invited_by"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["employee", "due_date", "offset_days", "recipient", "sent_at", "cancelled_at"]
    raw_id_fields = ["employee"]
