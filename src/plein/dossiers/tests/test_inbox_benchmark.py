"""The inbox benchmark's smoke run (issue 5, "Quality"): ``benchmarks/dossier_inbox.py`` at tiny sizes, in-process on
the test database. Every inbox variant must use the same number of queries at both sizes; the table is printed (-s).
The full run (1,000 and 10,000 cases) and its figures: benchmarks/RESULTS.md and docs/performance.md.
"""

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(os.environ.get("PLEIN_ROOT") or Path(__file__).absolute().parents[4])


def _benchmark():
    spec = importlib.util.spec_from_file_location("dossier_inbox_benchmark", ROOT / "benchmarks" / "dossier_inbox.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_the_inbox_smoke_run_has_a_constant_query_count():
    benchmark = _benchmark()
    rows, failures = benchmark.run(benchmark.SMOKE_SIZES, 2, progress=lambda message: None)
    print(benchmark.table(rows))
    assert not failures, failures
    assert {(row.size, row.variant) for row in rows} == {
        (size, label) for size in benchmark.SMOKE_SIZES for label, _params in benchmark.VARIANTS
    }
    assert all(row.queries > 0 and row.p95 > 0 for row in rows)
