from django.urls import path

from plein.annual_report import views

app_name = "annual_report"

urlpatterns = [
    # Public, without login (plein.core.url_policy): only published reports, as frozen at publication.
    path("", views.public_index, name="public_index"),
    path("<int:year>/", views.public_report, name="public_report"),
    path("<int:year>/pdf/", views.public_pdf, name="public_pdf"),
    path("<int:year>/json/", views.public_json, name="public_json"),
    # Writing, approving and publishing (integrity coordinator, competent authority, auditor).
    path("opstellen/", views.index, name="index"),
    path("opstellen/<int:year>/", views.report, name="report"),
    path("opstellen/<int:year>/tekst/<slug:section>/", views.edit_section, name="edit_section"),
    path("opstellen/<int:year>/indienen/", views.submit, name="submit"),
    path("opstellen/<int:year>/goedkeuren/", views.approve, name="approve"),
    path("opstellen/<int:year>/publiceren/", views.publish, name="publish"),
    path("opstellen/<int:year>/heropenen/", views.reopen, name="reopen"),
    path("opstellen/<int:year>/bestand/", views.file_request, name="file_request"),
    path("bestanden/<int:pk>/", views.job, name="job"),
    path("bestanden/<int:pk>/status/", views.job_status, name="job_status"),
    path("bestanden/<int:pk>/download/", views.job_download, name="job_download"),
    path("integriteitsplan/", views.plan_list, name="plan"),
    path("integriteitsplan/nieuw/", views.plan_create, name="plan_create"),
    path("integriteitsplan/<int:pk>/wijzigen/", views.plan_edit, name="plan_edit"),
    path("integriteitsplan/<int:pk>/verwijderen/", views.plan_delete, name="plan_delete"),
]
