from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OathsConfig(AppConfig):
    name = "plein.oaths"
    label = "oaths"
    verbose_name = _("Oath of office")
