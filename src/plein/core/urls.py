from django.urls import path

from plein.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("wie-is-wie/", views.structure, name="structure"),
    path("medewerkers/", views.people, name="people"),
    path("theme.css", views.theme_css, name="theme_css"),
    path("healthz", views.healthz, name="healthz"),
]
