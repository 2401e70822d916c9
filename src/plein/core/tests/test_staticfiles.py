"""Production's collectstatic (issue 12): the manifest storage finds every file a collected stylesheet refers to.

Runs the production storage (WhiteNoise's compressed manifest storage) with the project's finders into a temporary
STATIC_ROOT, once for the module. Compression is left out to keep it cheap (minutes of gzip and brotli on this
machine, and it cannot fail on a reference); the hashing and the rewriting of every ``url()`` is what stopped on the
design tokens' missing ``pijltje.svg`` (plein.core.staticfiles, docs/performance.md).
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings
from django.utils.functional import empty
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestWithoutCompression(CompressedManifestStaticFilesStorage):
    def compress_files(self, paths):
        return iter(())


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": f"{__name__}.ManifestWithoutCompression"}}
    with override_settings(STATIC_ROOT=str(root), STORAGES=storages, WHITENOISE_USE_FINDERS=False):
        finders.get_finder.cache_clear()
        staticfiles_storage._wrapped = empty  # the lazy storage is rebuilt from the overridden settings
        try:
            call_command("collectstatic", interactive=False, verbosity=0)
        finally:
            staticfiles_storage._wrapped = empty
            finders.get_finder.cache_clear()
    return root


def test_collectstatic_with_the_production_storage_succeeds(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    for used in ["vendor/utrecht-tokens/index.css", "vendor/utrecht/index.css", "vendor/noto-sans/index.css"]:
        assert used in manifest, used
    hashed = (collected / manifest["vendor/noto-sans/index.css"]).read_text()
    assert "url(./files/" not in hashed  # the font references are rewritten to hashed names


def test_only_the_design_tokens_the_layout_uses_are_collected(collected):
    tokens = sorted(p.name for p in (collected / "vendor" / "utrecht-tokens").iterdir())
    assert all(name.startswith("index.") and name.endswith(".css") for name in tokens), tokens
    assert finders.find("vendor/utrecht-tokens/background-image-icon.css") is None
    assert finders.find("vendor/utrecht-tokens/index.css")


def test_the_production_settings_use_the_manifest_storage_and_the_selecting_finder():
    # The same lines hold with PLEIN_ENV=production: the finders are set for every environment.
    assert settings.STATICFILES_FINDERS[0] == "plein.core.staticfiles.SelectedFilesFinder"
    assert settings.PLEIN_STATICFILES_SELECTED["vendor/utrecht-tokens"] == ["index.css"]
