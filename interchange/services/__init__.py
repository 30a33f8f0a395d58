"""Writes and reads of the interchange: duplicate organizations found, registered and merged."""
