"""Fan-out of events: N events recorded through record_event, each to R recipients (and to the
coordinators' webhooks), one transaction per event as the workflow's services do.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_bench_notifications \\
        python -m bench.notifications --events 10000 --recipients 5 --users 5000 --webhooks 2

The database is created and migrated when missing; the run's users, events, notifications and
webhooks are deleted at the end. Each event's e-mail and webhook tasks are published to the
configured broker on a queue of the run's own, purged at the end. One JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
import tracemalloc
import uuid

from bench.database import create_database, migrate, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--recipients", type=int, default=5, help="recipients per event")
    parser.add_argument("--users", type=int, default=5_000)
    parser.add_argument("--webhooks", type=int, default=2, help="coordinators' webhooks")
    arguments = parser.parse_args()
    database_url = os.environ["DATABASE_URL"]
    create_database(database_url)
    queue = f"bench-notifications-{uuid.uuid4().hex[:8]}"
    setup_django(database_url, CELERY_QUEUE=queue)
    migrate()

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from bench.calibration import machine
    from config.celery import app
    from notifications.models import Event, Kind, Notification, Webhook, WebhookDelivery
    from notifications.services.events import record_event
    from notifications.services.webhook_signing import new_secret

    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    User = get_user_model()
    # What an interrupted run left behind (its coordinators' webhooks would hear this run too).
    User.objects.filter(username__startswith="bench-").delete()
    prefix = f"bench-{uuid.uuid4().hex[:6]}-"
    users = User.objects.bulk_create(
        User(username=f"{prefix}{n}", email=f"{prefix}{n}@example.org")
        for n in range(arguments.users)
    )
    ids = [user.pk for user in users]
    subject = users[0]
    webhooks = Webhook.objects.bulk_create(
        Webhook(url=f"https://hooks{n}.example.org/", created_by=subject, secret=new_secret())
        for n in range(arguments.webhooks)
    )
    kinds = Kind.values
    tracemalloc.start()
    started = time.perf_counter()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        for n in range(arguments.events):
            start = (n * arguments.recipients) % len(ids)
            recipients = [ids[(start + k) % len(ids)] for k in range(arguments.recipients)]
            with transaction.atomic():
                record_event(
                    kind=kinds[n % len(kinds)],
                    subject=subject,
                    link=f"/api/v1/bench/{n}/",
                    recipients=recipients,
                    organizations=[n % 50 + 1],
                )
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    events = Event.objects.filter(subject_type="user", subject_id=subject.pk)
    notifications = Notification.objects.filter(event__in=events).count()
    deliveries = WebhookDelivery.objects.filter(event__in=events).count()
    unread_started = time.perf_counter()
    unread = Notification.objects.filter(user_id=ids[1], read_at__isnull=True).count()
    unread_ms = (time.perf_counter() - unread_started) * 1000
    report = {
        "events": arguments.events,
        "notifications": notifications,
        "webhook_deliveries": deliveries,
        "seconds": round(seconds, 2),
        "events_per_second": round(arguments.events / seconds, 1),
        "notifications_per_second": round(notifications / seconds, 1),
        "queries": len(queries),
        "queries_per_event": round(len(queries) / arguments.events, 2),
        "python_peak_mb": round(peak / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "inbox_unread_count_ms": round(unread_ms, 2),
        "inbox_unread": unread,
        "calibration": machine(),
    }
    with app.connection_for_write() as broker:
        broker.default_channel.queue_purge(queue)
    events.delete()
    Webhook.objects.filter(pk__in=[webhook.pk for webhook in webhooks]).delete()
    User.objects.filter(pk__in=ids).delete()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
