from django.conf import settings
from django.urls import path
from django.utils.module_loading import import_string

from plein.core import views, views_admin

app_name = "core"

# The front page is the view that settings.PLEIN_HOME_VIEW names (the portal's home page, issue 10), so that core
# imports no app; without that setting, core's own front page.
home_view = import_string(settings.PLEIN_HOME_VIEW) if getattr(settings, "PLEIN_HOME_VIEW", "") else views.home

urlpatterns = [
    path("", home_view, name="home"),
    path("start/", views.start, name="start"),
    path("wie-is-wie/", views.structure, name="structure"),
    path("medewerkers/", views.people, name="people"),
    path("theme.css", views.theme_css, name="theme_css"),
    path("healthz", views.healthz, name="healthz"),
    # Role administration and the audit log (issue 3)
    path("beheer/rollen/", views_admin.role_list, name="role_list"),
    path("beheer/rollen/<int:user_id>/", views_admin.role_account, name="role_account"),
    path(
        "beheer/rollen/<int:user_id>/intrekken/<int:assignment_id>/",
        views_admin.role_revoke,
        name="role_revoke",
    ),
    path("beheer/auditlog/", views_admin.audit_log, name="audit_log"),
]
