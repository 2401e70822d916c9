from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualReportConfig(AppConfig):
    name = "plein.annual_report"
    label = "annual_report"
    verbose_name = _("Annual report")

    def ready(self) -> None:
        from plein.annual_report.demo import load as load_demo
        from plein.annual_report.navigation import annual_report_navigation, annual_report_start_items
        from plein.core.registry import demo_loaders, main_navigation, start_page_items

        main_navigation.register(annual_report_navigation)
        start_page_items.register(annual_report_start_items)
        demo_loaders.register(load_demo)
