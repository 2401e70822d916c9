from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "plein.dossiers"
    label = "dossiers"
    verbose_name = _("Case handling")

    def ready(self) -> None:
        from plein.dossiers import signals  # noqa: F401 - connects to the reporting channel's signals
