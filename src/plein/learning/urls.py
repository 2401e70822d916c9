from django.urls import path

from plein.learning import views

app_name = "learning"

urlpatterns = [
    path("", views.events, name="events"),
    path("agenda.ics", views.feed, name="feed"),
    path("activiteiten/nieuw/", views.event_create, name="event_create"),
    path("activiteiten/<int:pk>/", views.event_detail, name="event_detail"),
    path("activiteiten/<int:pk>/wijzigen/", views.event_edit, name="event_edit"),
    path("activiteiten/<int:pk>/aanmelden/", views.register, name="register"),
    path("activiteiten/<int:pk>/afmelden/", views.unregister, name="unregister"),
    path("activiteiten/<int:pk>/agenda.ics", views.event_ics, name="event_ics"),
    path("activiteiten/<int:pk>/module/", views.module_download, name="module_download"),
    path("activiteiten/<int:pk>/afgerond/", views.complete, name="complete"),
    path("activiteiten/<int:pk>/presentielijst/", views.attendance, name="attendance"),
    path("activiteiten/<int:pk>/presentielijst/bijwerken/", views.attendance_update, name="attendance_update"),
    path("activiteiten/<int:pk>/presentielijst/toevoegen/", views.attendance_add, name="attendance_add"),
    path("mijn-leerdossier/", views.mine, name="mine"),
    path("leerdossiers/", views.records, name="records"),
    path("leerdossiers/<int:pk>/", views.record, name="record"),
    path("dekking/", views.coverage, name="coverage"),
    path("verplicht/", views.requirements, name="requirements"),
    path("verplicht/cursus/", views.course_create, name="course_create"),
    path("verplicht/nieuw/", views.requirement_create, name="requirement_create"),
    path("verplicht/<int:pk>/stoppen/", views.requirement_stop, name="requirement_stop"),
    path("cijfers/", views.figures, name="figures"),
]
