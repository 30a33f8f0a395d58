"""Read-only serializers for the taxonomies: labels in the request's language, slugs unchanged."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.models import Category, FocusArea, SdgGoal, SdgTarget, VulnerableGroup

NAME_HELP = _("Name in the request's language (English where no translation exists).")
DESCRIPTION_HELP = _("What it covers, in the request's language (English where not translated).")


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="name_i18n", read_only=True, help_text=NAME_HELP)
    description = serializers.CharField(
        source="description_i18n", read_only=True, help_text=DESCRIPTION_HELP
    )

    class Meta:
        model = Category
        fields = ["slug", "name", "kind", "unit", "description"]


class FocusAreaSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="name_i18n", read_only=True, help_text=NAME_HELP)
    description = serializers.CharField(
        source="description_i18n", read_only=True, help_text=DESCRIPTION_HELP
    )

    class Meta:
        model = FocusArea
        fields = ["slug", "name", "description"]


class VulnerableGroupSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="name_i18n", read_only=True, help_text=NAME_HELP)
    description = serializers.CharField(
        source="description_i18n", read_only=True, help_text=DESCRIPTION_HELP
    )

    class Meta:
        model = VulnerableGroup
        fields = ["slug", "name", "description"]


class SdgTargetSerializer(serializers.ModelSerializer):
    title = serializers.CharField(
        source="title_i18n",
        read_only=True,
        help_text=_("Official title in the request's language (the UN's texts in all six)."),
    )
    title_fr = serializers.CharField(read_only=True, help_text=_("Official French title."))
    goal_title = serializers.SerializerMethodField(
        help_text=(
            _(
                "Official title of the target's goal in the request's language (the UN's texts in "
                "all six)."
            )
        )
    )

    class Meta:
        model = SdgTarget
        fields = ["code", "goal", "goal_title", "title", "title_fr"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_goal_title(self, target: SdgTarget) -> str:
        # The view reads the 17 titles once per request; alone, the serializer reads them itself.
        titles = self.context.get("goal_titles")
        if titles is None:
            titles = SdgGoal.titles()
        return str(titles.get(target.goal, ""))


class SdgGoalSerializer(serializers.ModelSerializer):
    title = serializers.CharField(
        source="title_i18n",
        read_only=True,
        help_text=_("Official title in the request's language (the UN's texts in all six)."),
    )
    targets = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Codes of the goal's targets, in the official order (e.g. 9.1 … 9.c)."),
    )

    class Meta:
        model = SdgGoal
        fields = ["goal", "title", "targets"]
