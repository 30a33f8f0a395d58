"""Load the demo catalogue (fixtures/demo.json) through the API's validation."""

import os
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rest_framework.exceptions import ValidationError

from api.demo import load_demo


def demo_password_file():
    """Where the demo users' generated password is kept for later starts (owner-only)."""
    return settings.DATA_DIR / "demo-password"


class Command(BaseCommand):
    help = "Load demo users, organizations, offers and needs; does nothing when they are loaded."

    def handle(self, *args, **options):
        password = secrets.token_urlsafe(12)
        try:
            counts = load_demo(password=password)
        except ValidationError as error:
            raise CommandError(f"The demo data is invalid: {error.detail}") from error
        if not counts["organizations"]:
            self.stdout.write("The demo data is already loaded.")
            return
        path = demo_password_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(password + "\n")
        self.stdout.write(
            f"Loaded {counts['organizations']} organizations, {counts['offers']} offers, {counts['needs']} needs.\n"
            f"Every demo user's password: {password} (kept in {path})"
        )
