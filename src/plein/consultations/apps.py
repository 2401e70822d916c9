from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "plein.consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from plein.consultations.demo import load as load_demo
        from plein.consultations.navigation import consultations_navigation
        from plein.core.registry import demo_loaders, main_navigation

        main_navigation.register(consultations_navigation)
        demo_loaders.register(load_demo)
