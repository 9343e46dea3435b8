"""The ``reesim`` command line: :data:`app` (Typer) and :func:`main`, the script's entry point.

One module per group of verbs (:mod:`reesim.cli.root` for the app itself, ``data`` and
``flagship``; ``scenarios``, ``runs``, ``analyze``, ``backtest``, ``check``, ``serve``), all
sharing the consoles and error handling of :mod:`reesim.cli.common`. Only Typer and Rich are
imported up front; each command imports what it needs, so ``reesim --help`` stays fast.
"""

from reesim.cli.root import app, main

__all__ = ["app", "main"]
