"""WSGI entry point."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Import every view now rather than on the first request, then move everything loaded so far into
# the garbage collector's permanent generation. Otherwise each full collection walks the ~170,000
# objects of the loaded modules (about 90 ms), a pause that lands on about one request in 150:
# it was the needs list's p99 (265 ms against a p50 of 53 ms).
get_resolver().url_patterns  # noqa: B018 (imports the URLconf and every view it names)
gc.freeze()
# A request leaves a few hundred objects in reference cycles (ORM query trees), which only the
# oldest generation's collection frees: by default one request in ~75 paid for all of them (10 ms
# on the needs list). Collecting the oldest generation on every tenth young collection instead
# of every hundredth spreads that work: the needs list's p99 in-process went from 23-25 ms to
# 13 ms, its p50 unchanged (9-10 ms).
gc.set_threshold(700, 10, 1)
