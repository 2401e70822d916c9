from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualReportConfig(AppConfig):
    name = "plein.annual_report"
    label = "annual_report"
    verbose_name = _("Annual report")
