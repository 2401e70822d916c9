from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "plein.core"
    label = "core"
    verbose_name = _("Organisation, people and roles")

    def ready(self) -> None:
        from plein.core.navigation import core_navigation
        from plein.core.registry import main_navigation

        main_navigation.register(core_navigation)

        from plein.core.navigation_admin import admin_navigation  # roles and audit log (issue 3)

        main_navigation.register(admin_navigation)

        from plein.core import auth_audit  # logins and second factors in the audit log (issue 3)

        auth_audit.connect()
