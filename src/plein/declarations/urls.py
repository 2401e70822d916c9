from django.urls import path

from plein.declarations import views

app_name = "declarations"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("nevenfuncties/", views.activity_list, name="activity_list"),
    path("nevenfuncties/export/<str:fmt>/", views.activity_export, name="activity_export"),
    path("nevenfuncties/nieuw/", views.activity_create, name="activity_create"),
    path("nevenfuncties/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("nevenfuncties/<int:pk>/wijzigen/", views.activity_change, name="activity_change"),
    path("nevenfuncties/<int:pk>/bezwaar/", views.activity_object, name="activity_object"),
    path("nevenfuncties/<int:pk>/beeindigen/", views.activity_end, name="activity_end"),
    path("nevenfuncties/<int:pk>/advies-vragen/", views.activity_request_advice, name="activity_request_advice"),
    path("nevenfuncties/<int:pk>/advies/", views.activity_advise, name="activity_advise"),
    path("nevenfuncties/<int:pk>/besluit/", views.activity_decide, name="activity_decide"),
    path("kandidaten/", views.candidate_list, name="candidate_list"),
    path("kandidaten/nieuw/", views.candidate_create, name="candidate_create"),
    path("kandidaten/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("kandidaten/<int:pk>/nevenfunctie/", views.candidate_activity_create, name="candidate_activity_create"),
    path("kandidaten/<int:pk>/in-dienst/", views.candidate_attach, name="candidate_attach"),
    path("campagnes/", views.campaign_list, name="campaign_list"),
    path("campagnes/nieuw/", views.campaign_start, name="campaign_start"),
    path("campagnes/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campagnes/<int:pk>/sluiten/", views.campaign_close, name="campaign_close"),
    path("campagnes/<int:pk>/herinneren/", views.campaign_remind, name="campaign_remind"),
    path("bevestigen/", views.confirm, name="confirm"),
    path("financiele-belangen/", views.interest_list, name="interest_list"),
    path("financiele-belangen/nieuw/", views.interest_create, name="interest_create"),
    path("financiele-belangen/verklaring/", views.interest_statement, name="interest_statement"),
    path("financiele-belangen/<int:pk>/", views.interest_detail, name="interest_detail"),
    path("geschenken/", views.gift_list, name="gift_list"),
    path("geschenken/export/<str:fmt>/", views.gift_export, name="gift_export"),
    path("geschenken/nieuw/", views.gift_create, name="gift_create"),
    path("geschenken/<int:pk>/", views.gift_detail, name="gift_detail"),
    path("geschenken/<int:pk>/besluit/", views.gift_decide, name="gift_decide"),
    path("cijfers/", views.figures, name="figures"),
    # Public, without login (plein.core.url_policy): only what the law makes public.
    path("openbaar-register/", views.public_register, name="public_register"),
    path("openbaar-register/export/<str:fmt>/", views.public_register_export, name="public_register_export"),
]
