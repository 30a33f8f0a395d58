"""The filter and reason forms render their controls in Python, without the form renderer's
templates (the review pages' render time); the HTML must equal what Django's widgets render."""

from __future__ import annotations

import pytest
from django import forms
from django.core.cache import cache
from django.test import SimpleTestCase

from registry.models import Category
from web.forms import (
    TAXONOMY_CACHE_KEY,
    DirectWidget,
    QueueFilterForm,
    ReasonForm,
    RespondByForm,
)

pytestmark = pytest.mark.django_db

same_html = SimpleTestCase().assertHTMLEqual


def _standard(widget: forms.Widget) -> forms.Widget:
    """The same widget as Django's own class, which renders through templates."""
    parent = next(base for base in type(widget).__mro__[1:] if not issubclass(base, DirectWidget))
    standard = parent(attrs=dict(widget.attrs))
    if hasattr(widget, "choices"):
        standard.choices = widget.choices
    if hasattr(widget, "format"):
        standard.format = widget.format
    return standard


@pytest.mark.parametrize(
    "form",
    [
        lambda: QueueFilterForm(
            {
                "q": 'laptops "<b>"',
                "area": "KE",
                "category": "laptops",
                "status": "proposed",
                "min_score": "0.5",
                "min_days": "x",
            }
        ),
        lambda: QueueFilterForm(),
        lambda: ReasonForm({"reason": 'It is <late> & "far"'}),
        lambda: RespondByForm({"respond_by": "2099-03-31 17:00"}),
        lambda: RespondByForm({"respond_by": "next week"}),
    ],
)
def test_a_direct_widget_renders_what_djangos_widget_renders(reference_data, form):
    built = form()
    if built.is_bound:
        built.is_valid()
    for field in built:
        widget = field.field.widget
        assert isinstance(widget, DirectWidget), field.name
        value = field.value()
        attrs = field.build_widget_attrs({"id": field.auto_id}, widget)
        ours = widget.render(field.html_name, value, attrs)
        django = _standard(widget).render(field.html_name, value, attrs)
        same_html(ours, django)
        assert "<b>" not in ours and "<late>" not in ours  # escaped


def test_taxonomy_choices_are_cached_and_a_change_drops_them(reference_data):
    cache.delete(TAXONOMY_CACHE_KEY)
    QueueFilterForm()
    assert cache.get(TAXONOMY_CACHE_KEY) is not None
    category = Category.objects.order_by("slug").first()
    category.name = "Zz renamed resource"
    category.save()
    assert cache.get(TAXONOMY_CACHE_KEY) is None
    choices = dict(QueueFilterForm().fields["category"].choices)
    assert choices[category.slug] == "Zz renamed resource"
