from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OathsConfig(AppConfig):
    name = "plein.oaths"
    label = "oaths"
    verbose_name = _("Oath of office")

    def ready(self) -> None:
        from plein.core.registry import demo_loaders, main_navigation, start_page_items
        from plein.oaths.demo import load as load_demo
        from plein.oaths.navigation import oath_navigation, oath_start_items

        main_navigation.register(oath_navigation)
        start_page_items.register(oath_start_items)
        demo_loaders.register(load_demo)
