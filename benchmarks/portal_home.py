"""Benchmark: the portal's home page (``/``) at two data sizes, anonymous and logged in.

The home page brings together news, the reporting channels, contact persons, codes of conduct, polls, and for a
logged-in employee their own to-dos. Its number of queries must not grow with the amount of content, campaigns or
people; this script measures the queries and the time per request at a small and a large data set and fails (exit
status 1) when the query count differs between the two.

Run it from the project root with the project's virtual environment (it makes its own test database; with the default
in-memory SQLite that takes a minute or two for the migrations):

    PLEIN_ENV=test .venv/bin/python benchmarks/portal_home.py
    PLEIN_ENV=test .venv/bin/python benchmarks/portal_home.py --sizes 5 100 --repeat 30
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench PLEIN_ENV=test .venv/bin/python benchmarks/portal_home.py
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("PLEIN_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plein.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.documents import get_document_model  # noqa: E402

from plein.core import roles as R  # noqa: E402
from plein.core.models import StructureRole  # noqa: E402
from plein.core.tests.factories import (  # noqa: E402
    EmployeeFactory,
    OrganisationFactory,
    OrgUnitFactory,
    RoleAssignmentFactory,
    StructureRoleFactory,
    UserFactory,
)
from plein.portal import services  # noqa: E402
from plein.portal.models import NewsPage  # noqa: E402


class Data:
    """Grows the data set step by step: news, documents with campaigns, polls, channels, contacts, people."""

    def __init__(self, organisation, setup, ic):
        self.organisation, self.setup, self.ic = organisation, setup, ic
        self.size = 0
        self.unit = OrgUnitFactory(organisation=organisation, name="Directie")

    def grow_to(self, size: int) -> None:
        from plein.reports.models import Channel

        today = timezone.localdate()
        Document = get_document_model()
        for i in range(self.size, size):
            page = NewsPage(title=f"Nieuws {i}", intro="Kort bericht.", date=today - timedelta(days=i))
            self.setup.news_index.add_child(instance=page)
            page.save_revision().publish()
            document = services.create_policy_document(
                organisation=self.organisation, actor=self.ic, title=f"Regeling {i}", kind="regeling"
            )
            file = Document(title=f"Regeling {i}", collection=services.documents_collection())
            file.file.save(f"regeling-{i}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
            file.save()
            version = services.add_policy_version(
                document=document,
                actor=self.ic,
                version="1",
                status="geldend",
                adopted_on=date(2024, 1, 1),
                review_on=date(2024 + (i % 5), 6, 1),
                file=file,
            )
            services.start_acknowledgement_campaign(version=version, actor=self.ic)
            now = timezone.now()
            services.create_poll(
                organisation=self.organisation,
                actor=self.ic,
                question=f"Vraag {i}",
                options=["Ja", "Nee"],
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=7),
                now=now - timedelta(days=2),
            )
            Channel.objects.create(organisation=self.organisation, code=f"kanaal-{i}", name=f"Kanaal {i}")
            StructureRoleFactory(organisation=self.organisation, kind=StructureRole.Kind.CONFIDENTIAL_ADVISER_INTERNAL)
            for _ in range(10):
                employee = EmployeeFactory(organisation=self.organisation, unit=self.unit)
                services.acknowledge(version=version, employee=employee, actor=self.ic)
        self.size = size


def measure(client: Client, repeat: int) -> tuple[int, float, float]:
    client.get("/")  # warm the caches (site root paths, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200, response.status_code
    count = len(queries)  # now: the next request clears the connection's query log
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get("/")
        timings.append((time.perf_counter() - start) * 1000)
    return count, statistics.median(timings), max(timings)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs=2, type=int, default=[5, 60], metavar=("SMALL", "LARGE"))
    parser.add_argument("--repeat", type=int, default=20, help="requests timed per measurement (default 20)")
    args = parser.parse_args(argv)

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    rows = []
    try:
        with override_settings(MEDIA_ROOT=str(ROOT / "var" / "benchmark-media"), PLEIN_MFA_OPTIONAL=True):
            organisation = OrganisationFactory()
            ic = UserFactory()
            EmployeeFactory(organisation=organisation, user=ic)
            RoleAssignmentFactory(organisation=organisation, user=ic, role=R.INTEGRITY_COORDINATOR)
            employee = UserFactory()
            EmployeeFactory(organisation=organisation, user=employee)
            data = Data(organisation, services.ensure_portal_setup(), ic)
            anonymous, logged_in = Client(), Client()
            logged_in.force_login(employee)
            for size in args.sizes:
                data.grow_to(size)
                for label, client in (("anonymous", anonymous), ("employee", logged_in)):
                    queries, median, worst = measure(client, args.repeat)
                    rows.append((size, label, queries, median, worst))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"{'size':>6}  {'visitor':<10} {'queries':>7}  {'median ms':>9}  {'max ms':>7}")
    for size, label, queries, median, worst in rows:
        print(f"{size:>6}  {label:<10} {queries:>7}  {median:>9.1f}  {worst:>7.1f}")
    failed = False
    for label in ("anonymous", "employee"):
        counts = {queries for _size, who, queries, _m, _w in rows if who == label}
        if len(counts) != 1:
            print(f"FAIL: the {label} home page's query count grows with the data: {sorted(counts)}")
            failed = True
    if not failed:
        print("OK: the query count is the same at both sizes.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
