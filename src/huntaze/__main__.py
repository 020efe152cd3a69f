"""``python -m huntaze`` runs the CLI."""

from huntaze.cli import main

main()
