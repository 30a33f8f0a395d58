"""Refresh the taxonomies from fixtures/taxonomy (they are loaded by `migrate` already)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from registry.taxonomy_fixtures import load_taxonomies


class Command(BaseCommand):
    help = "Create or update categories, focus areas, vulnerable groups, SDG targets and currency rates."

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = load_taxonomies()
        for model, count in counts.items():
            self.stdout.write(f"{model}: {count}")
