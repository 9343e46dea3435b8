"""``python -m reesim.cli``: the ``reesim`` command, for environments without the script."""

from reesim.cli.root import main

main()
