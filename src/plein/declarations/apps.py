from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "plein.declarations"
    label = "declarations"
    verbose_name = _("Declarations")

    def ready(self) -> None:
        from plein.core.registry import demo_loaders, main_navigation, start_page_items
        from plein.declarations.demo import load as load_demo
        from plein.declarations.navigation import declarations_navigation, declarations_start_items

        main_navigation.register(declarations_navigation)
        start_page_items.register(declarations_start_items)
        demo_loaders.register(load_demo)
