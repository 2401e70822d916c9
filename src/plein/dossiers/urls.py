from django.urls import path

from plein.dossiers import views

app_name = "dossiers"

_case = "meldingen/<int:pk>/dossier/"

urlpatterns = [
    path("meldingen/mondeling/", views.oral_report_new, name="oral_report_new"),
    path(_case, views.case, name="case"),
    path(_case + "fase/", views.transition, name="transition"),
    path(_case + "ontvangstbrief/", views.letter, name="letter"),
    path(_case + "notitie/", views.note, name="note"),
    path(_case + "categorie/", views.classify, name="classify"),
    path(_case + "besluit/", views.decide, name="decide"),
    path(_case + "verlenging/", views.extend, name="extend"),
    path(_case + "toewijzen/", views.assign, name="assign"),
    path(_case + "toewijzing/<int:assignment_pk>/beeindigen/", views.unassign, name="unassign"),
    path(_case + "uitsluiten/", views.exclude, name="exclude"),
    path(_case + "gesprek/", views.oral_new, name="oral_new"),
    path(_case + "gesprek/<int:record_pk>/", views.oral_record, name="oral_record"),
    path(_case + "gesprek/<int:record_pk>/delen/", views.oral_share, name="oral_share"),
    path(_case + "identiteit/", views.reveal_request, name="reveal_request"),
    path(_case + "identiteit/<int:request_pk>/", views.reveal_decide, name="reveal_decide"),
    path(_case + "identiteit/<int:request_pk>/tonen/", views.reveal_show, name="reveal_show"),
    # The reporter (receipt session; under the public melden/ prefix, refused without a session).
    path("melden/mijn-melding/verslag/<int:record_pk>/", views.reporter_oral, name="reporter_oral"),
    path("melden/mijn-melding/toestemming/<int:request_pk>/", views.reporter_consent, name="reporter_consent"),
    # Functional administrator and integrity coordinator.
    path("beheer/dossiers/", views.settings_page, name="settings"),
    path("beheer/dossiers/<slug:code>/", views.workflow_edit, name="workflow"),
]
