from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PositionsConfig(AppConfig):
    name = "plein.positions"
    label = "positions"
    verbose_name = _("Positions and screening")

    def ready(self) -> None:
        from plein.core.registry import demo_loaders, main_navigation, start_page_items
        from plein.positions.demo import load_demo
        from plein.positions.navigation import positions_navigation, positions_start_items

        main_navigation.register(positions_navigation)
        start_page_items.register(positions_start_items)
        demo_loaders.register(load_demo)
