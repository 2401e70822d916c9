from django.urls import path

from plein.reports import views

app_name = "reports"

urlpatterns = [
    # Public reporter pages: no login, no JavaScript needed, on the public allow-list (core/url_policy.py).
    path("melden/", views.start, name="start"),
    path("melden/inloggen/", views.receipt_login, name="receipt_login"),
    path("melden/mijn-melding/", views.reporter_report, name="reporter_report"),
    path("melden/mijn-melding/bijlagen/<int:pk>/", views.reporter_attachment, name="reporter_attachment"),
    path("melden/uitloggen/", views.reporter_logout, name="reporter_logout"),
    path("melden/kanaal/<slug:code>/", views.submit, name="submit"),
    # Handlers: handling role, team membership, unlocked vault.
    path("meldingen/", views.inbox, name="inbox"),
    path("meldingen/kluis/instellen/", views.vault_setup, name="vault_setup"),
    path("meldingen/kluis/openen/", views.vault_unlock, name="vault_unlock"),
    path("meldingen/kluis/sluiten/", views.vault_lock, name="vault_lock"),
    path("meldingen/kluis/opnieuw/", views.vault_reset, name="vault_reset"),
    path("meldingen/kanalen/<slug:code>/team/", views.channel_team, name="channel_team"),
    path("meldingen/<int:pk>/", views.report_detail, name="report"),
    path("meldingen/<int:pk>/bericht/", views.report_reply, name="report_reply"),
    path("meldingen/<int:pk>/ontvangst/", views.report_acknowledge, name="report_acknowledge"),
    path("meldingen/<int:pk>/identiteit/", views.report_reveal_identity, name="report_reveal_identity"),
    path("meldingen/<int:pk>/bijlagen/<int:attachment_pk>/", views.report_attachment, name="report_attachment"),
    # Functional administrator: channels, teams and the recovery key (no access to reports).
    path("beheer/meldkanalen/", views.admin_channels, name="admin_channels"),
    path("beheer/meldkanalen/herstelsleutel/", views.admin_recovery, name="admin_recovery"),
    path("beheer/meldkanalen/nieuw/", views.admin_channel_new, name="admin_channel_new"),
    path("beheer/meldkanalen/<slug:code>/", views.admin_channel_edit, name="admin_channel_edit"),
    path("beheer/meldkanalen/<slug:code>/team/", views.admin_channel_team, name="admin_channel_team"),
    path(
        "beheer/meldkanalen/<slug:code>/team/<int:user_pk>/verwijderen/",
        views.admin_team_member_remove,
        name="admin_team_member_remove",
    ),
    path(
        "beheer/meldkanalen/<slug:code>/team/<int:user_pk>/bevestigen/",
        views.admin_team_member_confirm,
        name="admin_team_member_confirm",
    ),
]
