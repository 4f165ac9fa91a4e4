"""``python -m rectify``: the same as the ``rectify`` command."""

from rectify.cli import main

main()
