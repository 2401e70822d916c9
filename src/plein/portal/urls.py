from django.urls import path

from plein.portal import views

app_name = "portal"

urlpatterns = [
    # Public (on the allow-list in core/url_policy.py): search and the polls' pages.
    path("zoeken/", views.search, name="search"),
    path("peilingen/", views.poll_list, name="poll_list"),
    path("peilingen/<int:pk>/", views.poll_detail, name="poll_detail"),
    # Employees: voting and confirming that you read a code of conduct.
    path("peilingen/<int:pk>/stemmen/", views.poll_vote, name="poll_vote"),
    path("gedragscodes/bevestigen/<int:pk>/", views.acknowledge, name="acknowledge"),
    # Management: policy documents, versions, acknowledgement campaigns and coverage; polls.
    path("beheer/beleid/", views.policy_admin, name="policy_admin"),
    path("beheer/beleid/nieuw/", views.policy_document_create, name="policy_document_create"),
    path("beheer/beleid/<int:pk>/", views.policy_document, name="policy_document"),
    path("beheer/beleid/<int:pk>/wijzigen/", views.policy_document_edit, name="policy_document_edit"),
    path("beheer/beleid/<int:pk>/versies/nieuw/", views.policy_version_create, name="policy_version_create"),
    path("beheer/beleid/versies/<int:pk>/wijzigen/", views.policy_version_edit, name="policy_version_edit"),
    path("beheer/beleid/versies/<int:pk>/campagne/", views.campaign_start, name="campaign_start"),
    path("beheer/beleid/campagnes/<int:pk>/sluiten/", views.campaign_close, name="campaign_close"),
    path("beheer/beleid/campagnes/<int:pk>/dekking/", views.campaign_coverage, name="campaign_coverage"),
    path("beheer/peilingen/", views.poll_admin, name="poll_admin"),
    path("beheer/peilingen/nieuw/", views.poll_create, name="poll_create"),
    path("beheer/peilingen/<int:pk>/wijzigen/", views.poll_edit, name="poll_edit"),
    path("beheer/peilingen/<int:pk>/sluiten/", views.poll_close, name="poll_close"),
]
