"""Read-only serializers for the taxonomies."""

from rest_framework import serializers

from registry.models import Category, FocusArea, SdgTarget, VulnerableGroup


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "name", "kind", "unit", "description"]


class FocusAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = FocusArea
        fields = ["slug", "name", "description"]


class VulnerableGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = VulnerableGroup
        fields = ["slug", "name", "description"]


class SdgTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = SdgTarget
        fields = ["code", "goal", "title", "title_fr"]
