"""The reference lists in the reader's language: SDG goals and targets, and the taxonomies."""

from __future__ import annotations

from collections import defaultdict

from django.shortcuts import render
from django.views.decorators.http import require_safe

from registry.models import Category, FocusArea, SdgGoal, SdgTarget, VulnerableGroup
from registry.models.organizations import KIND_DESCRIPTIONS, OrganizationKind


@require_safe
def reference(request):
    """Every list needs, offers and organizations are described with, and what each term
    covers, in the reader's language; codes and slugs as the API knows them."""
    targets = defaultdict(list)
    for target in SdgTarget.objects.order_by("position"):
        targets[target.goal].append(target)
    context = {
        "goals": [(goal, targets[goal.goal]) for goal in SdgGoal.objects.order_by("goal")],
        "categories": Category.objects.order_by("name_i18n"),
        "focus_areas": FocusArea.objects.order_by("name_i18n"),
        "groups": VulnerableGroup.objects.order_by("name_i18n"),
        "kinds": [(kind, KIND_DESCRIPTIONS[kind]) for kind in OrganizationKind],
    }
    return render(request, "web/reference/reference.html", context)
