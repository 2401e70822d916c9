"""Fixtures shared by every app's tests."""

import pytest
from hypothesis import settings as hypothesis_settings

from plein.core import roles as R
from plein.core.tests.factories import (
    EmployeeFactory,
    OrganisationFactory,
    OrgUnitFactory,
    RoleAssignmentFactory,
    UserFactory,
)

# Property-based tests: the same number of examples as hypothesis' default (tests that want fewer or more say so),
# but no per-example deadline. The suite runs two workers on a shared two-core machine, where a slow moment says
# nothing about the code; a deadline there only makes tests flaky. Speed is measured by the benchmarks instead.
hypothesis_settings.register_profile("plein", deadline=None)
hypothesis_settings.load_profile("plein")


@pytest.fixture(scope="session", autouse=True)
def _media_root_per_process(tmp_path_factory):
    """Uploaded files go to a folder of this test process, not to var/media: with pytest-xdist (``-n``) every worker
    has its own, so workers never see each other's files. Tests that look at their files still set their own."""
    from django.test.utils import override_settings

    override = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _mfa_enforcement(request, settings):
    """MFA enforcement (plein.core.middleware_mfa) is off in tests unless the test is marked ``mfa_enforced``.

    Most tests log privileged users in with ``client.force_login(user)``, which passes no second factor; they test
    permissions, not MFA. Tests of MFA itself, and tests that want a privileged login exactly as in production, use
    ``@pytest.mark.mfa_enforced`` and log in with ``plein.core.tests.auth_helpers.login_with_mfa(client, user)``.
    """
    settings.PLEIN_MFA_OPTIONAL = request.node.get_closest_marker("mfa_enforced") is None


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def unit(organisation):
    return OrgUnitFactory(organisation=organisation, name="Directie", kind="directie")


@pytest.fixture
def make_user(organisation):
    """make_user(*roles, unit=None): an account with an employee record and the given roles."""

    def make(*roles, unit=None, employee_unit=None, **employee_fields):
        user = UserFactory()
        EmployeeFactory(
            organisation=organisation, user=user, email=user.email, unit=employee_unit or unit, **employee_fields
        )
        for role in roles:
            RoleAssignmentFactory(
                organisation=organisation, user=user, role=role, unit=unit if role == R.MANAGER else None
            )
        return user

    return make


@pytest.fixture
def employee_user(make_user):
    return make_user()


@pytest.fixture
def ic_user(make_user):
    return make_user(R.INTEGRITY_COORDINATOR)


# --- Browser tests (the harness is plein/core/tests/browser.py; see docs/testing.md) ---------------------------
@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session. A missing Chromium fails every browser test; none is skipped."""
    import os

    from playwright.sync_api import sync_playwright

    from plein.core.tests import browser as harness

    # Playwright's sync API keeps an asyncio loop running on the main thread; Django would then refuse the ORM
    # calls that tests make (factories, login) as "async-unsafe". Nothing here is async, so allow it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = harness.launch(playwright)
    except Exception as exc:
        playwright.stop()
        failure = f"The browser tests need Chromium and could not start it: {exc}"
    else:
        failure = None
    if failure:
        pytest.fail(failure, pytrace=False)
    yield chromium
    chromium.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server):
    """new_page(**context_options): a watched page in a fresh browser context, e.g. java_script_enabled=False."""
    from plein.core.tests import browser as harness

    pages = []

    def make(**context_options):
        pages.append(harness.open_page(browser, live_server.url, **context_options))
        return pages[-1]

    yield make
    for page in pages:
        harness.close_page(page)


@pytest.fixture
def page(new_page):
    """A watched browser page on the live server (Dutch, 1280 px wide). See plein.core.tests.browser."""
    return new_page()


def pytest_collection_modifyitems(config, items):
    """Mark every test that uses a browser ``browser``, and run those last.

    Last, because Playwright's loop keeps running on the main thread once the browser has started; the other tests
    then run before it, exactly as they would without any browser test in the session.

    Tests marked ``backend_independent`` run their own SQLite database in a subprocess whatever the test database is
    (the demo command, the benchmark smoke run): on PostgreSQL they would repeat the SQLite pass exactly, so the
    PostgreSQL pass leaves them out (deselected, and counted as such in pytest's summary).
    """
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        repeated = [item for item in items if item.get_closest_marker("backend_independent")]
        if repeated:
            config.hook.pytest_deselected(items=repeated)
            items[:] = [item for item in items if item not in set(repeated)]
    browser_tests = []
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
            browser_tests.append(item)
    if browser_tests:
        chosen = set(browser_tests)
        items[:] = [item for item in items if item not in chosen] + browser_tests


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a browser test's body: axe on every page it reached, and no console, CSP or request problem."""
    result = yield
    if "browser" in getattr(item, "fixturenames", ()):
        from plein.core.tests import browser as harness

        harness.verify_open_pages()
    return result
