from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _drop_taxonomy_choices(**kwargs) -> None:
    from django.core.cache import cache

    from web.forms import TAXONOMY_CACHE_KEY

    cache.delete(TAXONOMY_CACHE_KEY)


class WebConfig(AppConfig):
    """The console and the public pages: a second door beside the API, over the same services."""

    name = "web"
    verbose_name = _("Console")

    def ready(self) -> None:
        from registry.models import Category, VulnerableGroup

        for model in (Category, VulnerableGroup):
            for signal in (post_save, post_delete):
                signal.connect(_drop_taxonomy_choices, sender=model, dispatch_uid=f"web-{model}")
