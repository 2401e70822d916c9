from django.contrib import admin

from plein.core.models import Employee, Organisation, OrgUnit, Position, RoleAssignment, StructureRole, User

# The Django admin is a superuser's tool for emergencies, not the way staff work.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["path", "kind"]
    search_fields = ["path"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "unit"]
    search_fields = ["code", "title"]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["personnel_number", "last_name", "first_name", "unit", "employment_type"]
    search_fields = ["personnel_number", "last_name"]
    raw_id_fields = ["manager", "user", "unit", "position"]


@admin.register(StructureRole)
class StructureRoleAdmin(admin.ModelAdmin):
    list_display = ["kind", "name", "employee"]
    raw_id_fields = ["employee"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "granted_at", "revoked_at"]
    raw_id_fields = ["user", "unit", "granted_by", "revoked_by"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "display_name", "is_active", "is_superuser"]
    search_fields = ["email"]
    exclude = ["password"]
