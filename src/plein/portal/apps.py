from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "plein.portal"
    label = "portal"
    verbose_name = _("Integrity portal")

    def ready(self) -> None:
        from plein.core.registry import demo_loaders, main_navigation, start_page_items
        from plein.portal.demo import load as load_demo
        from plein.portal.navigation import portal_navigation, portal_start_items

        main_navigation.register(portal_navigation)
        start_page_items.register(portal_start_items)
        demo_loaders.register(load_demo)
