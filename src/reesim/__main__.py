"""``python -m reesim``: the ``reesim`` command, for environments without the script on the path."""

from reesim.cli.root import main

if __name__ == "__main__":
    main()
