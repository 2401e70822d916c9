"""Django admin (superusers only): the lists and the setting. The records themselves are kept out of the admin:
need-to-know applies (only the integrity coordinator and the handler see them, through the register's pages)."""

from django.contrib import admin

from plein.consultations.models import Action, ConsultationSettings, Topic


@admin.register(Topic, Action)
class ListEntryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "name_en", "is_active", "order", "organisation"]
    list_filter = ["organisation", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        # A code never changes once made: imports, exports and earlier annual reports use it.
        return ["code"] if obj is not None else []


@admin.register(ConsultationSettings)
class ConsultationSettingsAdmin(admin.ModelAdmin):
    list_display = ["organisation", "record_names"]
