from django.urls import path

from plein.positions import views

app_name = "positions"

urlpatterns = [
    path("", views.inventory, name="inventory"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/bewerken/", views.edit, name="edit"),
    path("verlopen/", views.lapsed, name="lapsed"),
    path("dekking/", views.coverage, name="coverage"),
    path("export/", views.export, name="export"),
    path("rondes/", views.rounds, name="rounds"),
    path("rondes/nieuw/", views.round_start, name="round_start"),
    path("rondes/<int:pk>/", views.round_detail, name="round"),
    path("rondes/<int:pk>/goedkeuren/", views.round_approve, name="round_approve"),
    path("rondes/functie/<int:pk>/beoordelen/", views.item_review, name="item_review"),
    path("rondes/functie/<int:pk>/goedkeuren/", views.item_approve, name="item_approve"),
    path("rondes/functie/<int:pk>/terugsturen/", views.item_return, name="item_return"),
    path("screening/", views.screening, name="screening"),
    path("screening/nieuwe-medewerkers/", views.new_hires, name="new_hires"),
    path("screening/<int:pk>/", views.person, name="person"),
    path("screening/<int:pk>/vog/", views.vog_add, name="vog_add"),
    path("screening/<int:pk>/gesprek/", views.talk, name="talk"),
    path("screening/vog/<int:pk>/", views.vog_edit, name="vog_edit"),
    path("mijn-screening/", views.mine, name="mine"),
]
