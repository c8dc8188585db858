"""`python -m govinspect` runs the command line."""

from .cli import main

main()
