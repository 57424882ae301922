"""`python -m lendtag` is the `lendtag` command."""

from lendtag.cli.main import main

main()
