"""Statistics and retention of case handling (issue 5, items 7 and 9), mounted at /dossiers/ (src/plein/urls.py)."""

from django.urls import path

from plein.dossiers import views_statistics as views

app_name = "dossiers_oversight"

urlpatterns = [
    path("statistieken/", views.statistics_page, name="statistics"),
    path("statistieken/export/<str:fmt>/", views.statistics_export, name="statistics_export"),
    path("bewaartermijn/", views.retention_page, name="retention"),
    path("bewaartermijn/uitvoeren/", views.retention_run, name="retention_run"),
    path("bewaartermijn/bewaarplicht/", views.legal_hold, name="legal_hold"),
]
