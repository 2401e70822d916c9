from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "plein.dossiers"
    label = "dossiers"
    verbose_name = _("Case handling")

    def ready(self) -> None:
        from plein.core.registry import main_navigation, start_page_items
        from plein.dossiers import signals  # noqa: F401 - connects to the reporting channel's signals
        from plein.dossiers.navigation import dossiers_navigation, dossiers_start_items

        main_navigation.register(dossiers_navigation)
        start_page_items.register(dossiers_start_items)
