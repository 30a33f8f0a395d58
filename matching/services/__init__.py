"""Matching's writes: runs, proposals, review, partnerships and reports."""
