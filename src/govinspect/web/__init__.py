"""The web dashboard and JSON API (``govinspect serve``); see ``app.create_app``."""

from .app import WebContext, create_app

__all__ = ["WebContext", "create_app"]
