"""Every admin list and add page renders for staff."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import NeedItemFactory, OfferFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_registered_model_has_a_working_changelist(client):
    user = UserFactory(username="staff", is_staff=True, is_superuser=True)
    client.force_login(user)
    OfferFactory()
    NeedItemFactory()
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(url).status_code == 200, url
