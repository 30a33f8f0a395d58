"""A password set through any door revokes the user's API tokens (the rule is the service's)."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from registry.services.accounts import password_changed


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="access.password_changed")
def revoke_tokens_when_the_password_changes(sender, instance, created: bool, **kwargs) -> None:
    # set_password() keeps the new raw password in `_password` until the save has happened.
    if not created and getattr(instance, "_password", None) is not None:
        password_changed(user=instance)
