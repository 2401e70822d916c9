from django.urls import path

from plein.consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("export/<str:fmt>/", views.consultation_export, name="export"),
    path("nieuw/", views.consultation_create, name="create"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/wijzigen/", views.consultation_change, name="change"),
    path("<int:pk>/verwijderen/", views.consultation_remove, name="remove"),
    path("instellingen/", views.settings_page, name="settings"),
    path("onderwerpen/nieuw/", views.topic_create, name="topic_create"),
    path("onderwerpen/<int:pk>/", views.topic_change, name="topic_change"),
    path("afhandelingen/nieuw/", views.action_create, name="action_create"),
    path("afhandelingen/<int:pk>/", views.action_change, name="action_change"),
]
