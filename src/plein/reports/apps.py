from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "plein.reports"
    label = "reports"
    verbose_name = _("Reporting channel and cases")

    def ready(self) -> None:
        from plein.core.registry import demo_loaders, main_navigation, start_page_items
        from plein.reports import crypto  # noqa: F401 - creates the per-process rate-limit key at start-up
        from plein.reports.demo import load as load_demo
        from plein.reports.navigation import reports_navigation, reports_start_items

        main_navigation.register(reports_navigation)
        start_page_items.register(reports_start_items)
        demo_loaders.register(load_demo)
