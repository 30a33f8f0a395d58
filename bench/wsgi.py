"""The API benchmark's server: the product's WSGI application (config/wsgi.py, with its start-up
tuning) serving bench/urls.py, the product's URLs plus the reference views under /bench/."""

import os

from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Set before config.wsgi loads the URL configuration, which Django reads from here on.
settings.ROOT_URLCONF = "bench.urls"

from config.wsgi import application  # noqa: E402 (must follow the URL configuration's choice)

__all__ = ["application"]
