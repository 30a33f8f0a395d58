from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The console and the public pages: a second door beside the API, over the same services."""

    name = "web"
    verbose_name = _("Console")
