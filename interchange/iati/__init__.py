"""IATI 2.03 activity and organisation files."""
