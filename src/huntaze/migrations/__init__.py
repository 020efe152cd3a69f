"""Alembic migrations of the Huntaze database (run with ``huntaze migrate``)."""
