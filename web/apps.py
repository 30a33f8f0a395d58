from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _drop_taxonomy_choices(**kwargs) -> None:
    from django.core.cache import cache

    from web.forms import TAXONOMY_CACHE_KEY

    cache.delete(TAXONOMY_CACHE_KEY)


def _drop_dashboard_figures(**kwargs) -> None:
    from web.dashboard import drop_coverage_groupings

    drop_coverage_groupings()


class WebConfig(AppConfig):
    """The console and the public pages: a second door beside the API, over the same services."""

    name = "web"
    verbose_name = _("Console")

    def ready(self) -> None:
        from matching.models import Commitment
        from registry.models import Category, FocusArea, Need, NeedItem, VulnerableGroup

        for model in (Category, VulnerableGroup):
            for signal in (post_save, post_delete):
                signal.connect(_drop_taxonomy_choices, sender=model, dispatch_uid=f"web-{model}")
        # What the gap dashboard adds up, and the names it shows.
        for model in (Commitment, Need, NeedItem, Category, VulnerableGroup, FocusArea):
            for signal in (post_save, post_delete):
                signal.connect(
                    _drop_dashboard_figures, sender=model, dispatch_uid=f"web-dashboard-{model}"
                )
        for field in (Need.vulnerable_groups, Need.focus_areas, Need.sdg_targets):
            m2m_changed.connect(
                _drop_dashboard_figures,
                sender=field.through,
                dispatch_uid=f"web-dashboard-{field.through}",
            )
