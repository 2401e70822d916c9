from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "plein.learning"
    label = "learning"
    verbose_name = _("Learning and awareness")

    def ready(self) -> None:
        from plein.core.registry import demo_loaders, main_navigation, start_page_items
        from plein.learning.demo import load as load_demo
        from plein.learning.navigation import learning_navigation, learning_start_items

        main_navigation.register(learning_navigation)
        start_page_items.register(learning_start_items)
        demo_loaders.register(load_demo)
