"""Static files: a finder that takes from a vendor package only the files the layout uses.

``STATICFILES_DIRS`` takes a directory whole. ``@utrecht/design-tokens/dist`` holds 15 MB of token files in every
format, of which the layout links one (``index.css``); another of them (``background-image-icon.css``) refers to an
icon (``pijltje.svg``) that the package does not ship, and the production storage (WhiteNoise's compressed manifest
storage, which rewrites every ``url()`` to its hashed name) rightly stops ``collectstatic`` on a reference to a
missing file. Collecting only the files that are used keeps that strictness for everything we serve and leaves out
what we do not (docs/performance.md, "Production deployment").

``PLEIN_STATICFILES_SELECTED`` maps a prefix of ``STATICFILES_DIRS`` to the file names to take from it; the other
prefixes are taken whole, as by Django's ``FileSystemFinder``. ``find`` answers the same, so that outside production
(WhiteNoise serving from the finders) a page cannot depend on a file that production would not have.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import FileSystemFinder


class SelectedFilesFinder(FileSystemFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.selected = {
            prefix: frozenset(names) for prefix, names in getattr(settings, "PLEIN_STATICFILES_SELECTED", {}).items()
        }

    def _allowed(self, prefix: str, relative: str) -> bool:
        names = self.selected.get(prefix)
        return names is None or relative.replace(os.sep, "/") in names

    def find_location(self, root, path, prefix=None):
        if prefix and prefix in self.selected:
            start = f"{prefix}{os.sep}"
            if not path.startswith(start) or not self._allowed(prefix, path.removeprefix(start)):
                return None
        return super().find_location(root, path, prefix)

    def list(self, ignore_patterns):
        for prefix, root in self.locations:
            if not os.path.isdir(root):
                continue
            storage = self.storages[root]
            if prefix in self.selected:
                for name in sorted(self.selected[prefix]):
                    if storage.exists(name):
                        yield name, storage
                continue
            for path in utils.get_files(storage, ignore_patterns):
                yield path, storage
