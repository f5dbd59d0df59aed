"""`python -m rotasolve.cli` runs the command line, as the `rotasolve` command does."""

from . import main

main()
