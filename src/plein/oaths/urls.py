from django.urls import path

from plein.oaths import views

app_name = "oaths"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("overzicht/", views.overview, name="overview"),
    path("bijeenkomsten/", views.ceremony_list, name="ceremony_list"),
    path("bijeenkomsten/nieuw/", views.ceremony_create, name="ceremony_create"),
    path("bijeenkomsten/<int:pk>/", views.ceremony_detail, name="ceremony_detail"),
    path("bijeenkomsten/<int:pk>/wijzigen/", views.ceremony_edit, name="ceremony_edit"),
    path("bijeenkomsten/<int:pk>/uitnodigen/", views.ceremony_invite, name="ceremony_invite"),
    path("bijeenkomsten/<int:pk>/aanmelden/", views.ceremony_register_employee, name="ceremony_register_employee"),
    path("bijeenkomsten/<int:pk>/inschrijven/", views.self_register, name="self_register"),
    path("bijeenkomsten/<int:pk>/dilemmas/", views.dilemma_add, name="dilemma_add"),
    path("bijeenkomsten/<int:pk>/dilemmas/<int:dilemma_pk>/verwijderen/", views.dilemma_remove, name="dilemma_remove"),
    path("bijeenkomsten/<int:pk>/presentielijst/", views.check_in_list, name="check_in_list"),
    path("bijeenkomsten/<int:pk>/presentielijst/<int:registration_pk>/", views.check_in, name="check_in"),
    path("bijeenkomsten/<int:pk>/proces-verbaal.pdf", views.ceremony_record_pdf, name="ceremony_record_pdf"),
    path("inschrijvingen/<int:pk>/afmelden/", views.withdraw, name="withdraw"),
    path("bevestiging/<int:pk>/", views.confirmation, name="confirmation"),
    path("bevestiging/<int:pk>/pdf/", views.confirmation_pdf, name="confirmation_pdf"),
    path("individueel/", views.individual, name="individual"),
    path("teksten/", views.texts, name="texts"),
    path("cijfers/", views.figures, name="figures"),
]
