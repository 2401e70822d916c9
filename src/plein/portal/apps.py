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
        self._forget_cached_menu_on_page_changes()

    @staticmethod
    def _forget_cached_menu_on_page_changes() -> None:
        """The cached menu (``selectors.menu_pages``) is dropped whenever a page changes in any way."""
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from plein.portal.selectors import forget_menu_pages

        def on_model_change(sender, **kwargs):
            if isinstance(sender, type) and issubclass(sender, Page):
                forget_menu_pages()

        post_save.connect(on_model_change, weak=False, dispatch_uid="plein.portal.menu.post_save")
        post_delete.connect(on_model_change, weak=False, dispatch_uid="plein.portal.menu.post_delete")
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(forget_menu_pages, weak=False, dispatch_uid=f"plein.portal.menu.{id(signal)}")
