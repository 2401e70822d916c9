from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class APIConfig(AppConfig):
    name = "plein.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self) -> None:
        from plein.api import schema  # noqa: F401  (registers the bearer scheme with drf-spectacular)
        from plein.api.navigation import api_navigation
        from plein.core.registry import main_navigation

        main_navigation.register(api_navigation)
