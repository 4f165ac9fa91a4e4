"""``python -m rectify``: the same as the ``rectify`` command."""

from rectify.entry import main

main()
