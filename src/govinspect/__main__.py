"""`python -m govinspect` runs the command line."""

from .cli import run

run()
