from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "plein.deliberation"
    label = "deliberation"
    verbose_name = _("Moral deliberation")

    def ready(self) -> None:
        from plein.core.registry import demo_loaders, main_navigation, start_page_items
        from plein.deliberation.demo import load as load_demo
        from plein.deliberation.navigation import deliberation_navigation, deliberation_start_items

        main_navigation.register(deliberation_navigation)
        start_page_items.register(deliberation_start_items)
        demo_loaders.register(load_demo)
