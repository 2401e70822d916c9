"""The project's settings for ``benchmarks/run``, with one deviation: a static files storage that does not stop
``collectstatic`` on a reference to a missing file.

With PLEIN_ENV=production, ``collectstatic`` fails: ``vendor/utrecht-tokens/background-image-icon.css`` (from
``@utrecht/design-tokens``) refers to ``pijltje.svg``, which the package does not ship, and the compressed manifest
storage refuses that (see benchmarks/RESULTS.md). Until the settings stop collecting that file, the benchmark keeps
the same storage (hashed names, compression) and leaves such a reference as it is.
"""

import os

from whitenoise.storage import CompressedManifestStaticFilesStorage

from plein.settings import *  # noqa: F403
from plein.settings import STORAGES


class LenientManifestStorage(CompressedManifestStaticFilesStorage):
    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:  # whitenoise's MissingFileError: the file a stylesheet refers to is not there
            return name


STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "bench_settings.LenientManifestStorage"}}

if os.environ.get("PLEIN_BENCH_STATIC_FINDERS") == "1":
    # The smoke run (benchmarks/run --smoke) skips collectstatic, which takes minutes: WhiteNoise serves the files
    # straight from the finders, as outside production.
    STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    WHITENOISE_USE_FINDERS = True
