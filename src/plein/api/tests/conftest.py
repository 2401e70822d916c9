"""Fixtures of the API tests: tokens and a client that sends one."""

import pytest
from rest_framework.test import APIClient

from plein.api.models import ApiToken, Scope
from plein.api.services import create_token


@pytest.fixture
def make_token(organisation):
    """make_token(*scopes, days=30, organisation=None) -> (ApiToken, the token itself)."""

    def make(*scopes, days=30, name="HR-systeem", **kwargs) -> tuple[ApiToken, str]:
        return create_token(
            organisation=kwargs.get("organisation", organisation),
            name=name,
            scopes=scopes or [Scope.HR_SYNC],
            days=days,
        )

    return make


def client_for(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def hr_token(make_token):
    return make_token(Scope.HR_SYNC)


@pytest.fixture
def api(hr_token):
    """A client with a valid hr.sync token. Send JSON with ``format="json"``."""
    client = client_for(hr_token[1])
    client.token = hr_token[0]
    return client
