"""The project's settings for ``benchmarks/run`` and ``benchmarks/profile_page.py``.

The server runs with the production settings unchanged (the production storage collects the static files since the
settings take only the design tokens the layout uses, see plein.core.staticfiles). One switch for the smoke run and
the profiler: ``PLEIN_BENCH_STATIC_FINDERS=1`` serves the static files from the finders, to skip ``collectstatic``.
"""

import os

from plein.settings import *  # noqa: F403
from plein.settings import STORAGES

if os.environ.get("PLEIN_BENCH_STATIC_FINDERS") == "1":
    # The smoke run (benchmarks/run --smoke) skips collectstatic, which takes minutes: WhiteNoise serves the files
    # straight from the finders, as outside production.
    STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    WHITENOISE_USE_FINDERS = True
