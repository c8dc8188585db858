"""Stored history: the registry, runs, results, tracked findings and probes (SQLAlchemy + Alembic).

``open_store()`` is the one door; the modules beside it (registry import, run sink,
rectification, period summary) each take a ``Store``.
"""

from .db import Store, StoreError, database_url, head_revision, home_dir, open_store, upgrade

__all__ = ["Store", "StoreError", "database_url", "head_revision", "home_dir", "open_store", "upgrade"]
