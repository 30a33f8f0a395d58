"""Load the demo catalogue (fixtures/demo.json) through the API's validation."""

from django.core.management.base import BaseCommand, CommandError
from rest_framework.exceptions import ValidationError

from api.demo import load_demo


class Command(BaseCommand):
    help = "Load demo users, organizations, offers and needs; does nothing when they are loaded."

    def handle(self, *args, **options):
        try:
            counts = load_demo()
        except ValidationError as error:
            raise CommandError(f"The demo data is invalid: {error.detail}") from error
        if not counts["organizations"]:
            self.stdout.write("The demo data is already loaded.")
            return
        self.stdout.write(
            f"Loaded {counts['organizations']} organizations, {counts['offers']} offers, {counts['needs']} needs."
        )
