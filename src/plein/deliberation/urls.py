from django.urls import path

from plein.deliberation import views

app_name = "deliberation"

urlpatterns = [
    path("", views.home, name="index"),
    # Requests
    path("aanvragen/", views.request_list, name="request_list"),
    path("aanvragen/nieuw/", views.request_create, name="request_create"),
    path("aanvragen/<int:pk>/", views.request_detail, name="request_detail"),
    path("aanvragen/<int:pk>/inplannen/", views.request_plan, name="request_plan"),
    path("aanvragen/<int:pk>/afwijzen/", views.request_decline, name="request_decline"),
    path("aanvragen/<int:pk>/intrekken/", views.request_withdraw, name="request_withdraw"),
    # Facilitators and methods
    path("procesbegeleiders/", views.facilitator_list, name="facilitator_list"),
    path("procesbegeleiders/<int:pk>/", views.facilitator_edit, name="facilitator_edit"),
    path("methoden/", views.method_list, name="method_list"),
    path("methoden/nieuw/", views.method_create, name="method_create"),
    path("methoden/<int:pk>/", views.method_detail, name="method_detail"),
    path("methoden/<int:pk>/wijzigen/", views.method_change, name="method_change"),
    # Sessions: planning
    path("sessies/", views.session_list, name="session_list"),
    path("sessies/nieuw/", views.session_create, name="session_create"),
    path("sessies/<int:pk>/planning/", views.session_plan, name="session_plan"),
    path("sessies/<int:pk>/uitnodigen/", views.session_invite, name="session_invite"),
    path("sessies/<int:pk>/annuleren/", views.session_cancel, name="session_cancel"),
    # Sessions: the facilitator's workspace
    path("sessies/<int:pk>/", views.workspace, name="workspace"),
    path("sessies/<int:pk>/starten/", views.session_start, name="session_start"),
    path("sessies/<int:pk>/code/", views.session_code, name="session_code"),
    path("sessies/<int:pk>/stap/", views.session_step, name="session_step"),
    path("sessies/<int:pk>/aanwezig/", views.session_present, name="session_present"),
    path("sessies/<int:pk>/tekst/<slug:part>/", views.session_text, name="session_text"),
    path("sessies/<int:pk>/dilemma/", views.session_dilemma, name="session_dilemma"),
    path("sessies/<int:pk>/toevoegen/<slug:kind>/", views.session_add, name="session_add"),
    path("sessies/<int:pk>/verwijderen/<slug:kind>/<int:item>/", views.session_remove, name="session_remove"),
    path("sessies/<int:pk>/keuze/", views.session_choice, name="session_choice"),
    path("sessies/<int:pk>/weging/", views.session_matrix, name="session_matrix"),
    path("sessies/<int:pk>/afsluiten/", views.session_close, name="session_close"),
    # The projected screen, the participant's device, the record
    path("sessies/<int:pk>/scherm/", views.projection, name="projection"),
    path("sessies/<int:pk>/scherm/live/", views.projection_live, name="projection_live"),
    path("sessies/<int:pk>/meedoen/", views.participate, name="participate"),
    path("sessies/<int:pk>/meedoen/live/", views.participate_live, name="participate_live"),
    path("sessies/<int:pk>/verslag.pdf", views.record_pdf, name="record_pdf"),
    path("sessies/<int:pk>/bibliotheek/", views.propose, name="propose"),
    path("meedoen/", views.join, name="join"),
    # The case library and the dilemma of the month
    path("bibliotheek/", views.library, name="library"),
    path("bibliotheek/nieuw/", views.library_new, name="library_new"),
    path("bibliotheek/<int:pk>/", views.library_entry, name="library_entry"),
    path("bibliotheek/<int:pk>/wijzigen/", views.proposal_change, name="proposal_change"),
    path("bibliotheek/<int:pk>/beoordelen/", views.library_review, name="library_review"),
    path("bibliotheek/<int:pk>/intrekken/", views.library_withdraw, name="library_withdraw"),
    path("bibliotheek/<int:pk>/dilemma-van-de-maand/", views.library_feature, name="library_feature"),
    path("dilemma-van-de-maand/", views.monthly, name="monthly"),
    path("dilemma-van-de-maand/<int:pk>/stem/", views.monthly_vote, name="monthly_vote"),
    path("cijfers/", views.figures, name="figures"),
]
