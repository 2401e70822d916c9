"""The tests of moral deliberation check the English texts (the msgids), so that they hold whatever the state of the
Dutch translation: code runs with English active, and the test client asks for English pages."""

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _builtin_methods(request):
    """The built-in methods come from a data migration; a transactional test elsewhere may have emptied the tables
    (pytest-django flushes the database after each one), so they are put back when missing."""
    if request.node.get_closest_marker("django_db"):
        from plein.deliberation.services import install_builtin_methods

        install_builtin_methods()


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
