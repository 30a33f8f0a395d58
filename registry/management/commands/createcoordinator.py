"""Create a coordinator: a user in the `coordinators` group."""

from __future__ import annotations

import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from registry.services.accounts import make_coordinator


class Command(BaseCommand):
    help = "Create a coordinator (or add an existing user to the coordinators group)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Read the password from this environment variable.",
        )

    def handle(self, *args, username: str, email: str, password_from_env: str | None, **options):
        if password_from_env:
            password = os.environ.get(password_from_env)
            if not password:
                raise CommandError(
                    f"The environment variable {password_from_env} is empty or unset."
                )
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        user, created = make_coordinator(username=username, email=email, password=password)
        self.stdout.write(f"{'Created' if created else 'Updated'} coordinator {user.username}.")
