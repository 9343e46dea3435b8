"""Optional parts of reesim and the libraries each needs, installed as pip extras.

The core install runs scenarios, Monte Carlo on local processes, sensitivity analysis and the
reports. Three parts need libraries a user of the model alone does not: the dashboard
(``reesim serve``), Dask clusters (``--executor dask``) and the article check (``reesim check``).
Each is an extra of the package (``pip install 'reesim[dashboard]'``; ``reesim[all]`` installs
every one), and each imports its libraries only when used, through :func:`require`, so that a
missing one is a one-line message naming the command to run, not a traceback.
"""

from __future__ import annotations

import importlib

from reesim.errors import InputError, Problem

#: Each extra: the modules it provides (as imported) and what it is for.
EXTRAS: dict[str, tuple[tuple[str, ...], str]] = {
    "dashboard": (("fastapi", "starlette", "uvicorn"), "the dashboard (reesim serve)"),
    "distributed": (("dask", "distributed"), "Dask clusters (--executor dask)"),
    "check": (("opencc",), "the article check (reesim check)"),
}


class MissingExtraError(InputError):
    """An optional part was asked for but its libraries are not installed."""

    def __init__(self, extra: str, missing: str) -> None:
        self.extra = extra
        self.missing = missing
        purpose = EXTRAS[extra][1]
        problem = Problem(
            "reesim", None, None, f"{purpose} needs {missing!r}, which is not installed",
            f"pip install 'reesim[{extra}]'",
        )  # fmt: skip
        super().__init__([problem])

    def __str__(self) -> str:
        return f"{EXTRAS[self.extra][1]} needs {self.missing!r}: pip install 'reesim[{self.extra}]'"


def missing(extra: str) -> str | None:
    """The first module of ``extra`` that cannot be imported, or ``None`` when all can (they are
    imported: a library that is there but broken counts as missing)."""
    for module in EXTRAS[extra][0]:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            return exc.name or module
    return None


def require(extra: str) -> None:
    """Raise :class:`MissingExtraError` unless every module of ``extra`` can be imported."""
    absent = missing(extra)
    if absent is not None:
        raise MissingExtraError(extra, absent)
