"""Outbox of events, per-user inboxes and e-mail: knows users and events, not the catalogue."""
