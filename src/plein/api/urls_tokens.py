"""The API token page of the functional administrator, under /beheer/api-tokens/ (not under /api/: it is a page
for people, with a login, not part of the REST API)."""

from django.urls import path

from . import views_tokens

app_name = "api_tokens"

urlpatterns = [
    path("", views_tokens.token_list, name="list"),
    path("<int:token_id>/intrekken/", views_tokens.token_revoke, name="revoke"),
]
