"""reesim: simulate the global rare-earth supply chain, mine to magnet to product.

The package is organised by verb: :mod:`reesim.dataset` loads and checks the bundled, sourced
baseline data; :mod:`reesim.model` calibrates the base year and compiles scenarios;
:mod:`reesim.kernel` runs the monthly step; :mod:`reesim.engine` labels results;
:mod:`reesim.results` computes indicators. The public Python API (:mod:`reesim.api`) is at the
top: :func:`run` simulates, :func:`headline`, :func:`compare` and :func:`summary` give pandas
DataFrames, :func:`save` writes NetCDF or Zarr, :func:`load_run` reads a stored run. Heavy
modules load on first use, so that importing reesim (and ``reesim --help``) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Dataset",
    "__version__",
    "compare",
    "headline",
    "load_dataset",
    "load_run",
    "run",
    "save",
    "summary",
]

#: Public names and the module each is imported from on first use.
_LAZY = {
    "Dataset": "reesim.dataset",
    "load_dataset": "reesim.dataset",
    "run": "reesim.api",
    "headline": "reesim.api",
    "compare": "reesim.api",
    "summary": "reesim.api",
    "save": "reesim.api",
    "load_run": "reesim.api",
}

if TYPE_CHECKING:
    from reesim.api import compare, headline, load_run, run, save, summary
    from reesim.dataset import Dataset, load_dataset


def __getattr__(name: str) -> Any:
    """Import the public names lazily (see :data:`_LAZY`)."""
    if _LAZY.get(name) == "reesim.dataset":
        from reesim import dataset

        return getattr(dataset, name)
    if _LAZY.get(name) == "reesim.api":
        from reesim import api

        return getattr(api, name)
    raise AttributeError(f"module 'reesim' has no attribute {name!r}")
