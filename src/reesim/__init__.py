"""reesim: simulate the global rare-earth supply chain, mine to magnet to product.

The package is organised by verb: :mod:`reesim.dataset` loads and checks the bundled, sourced
baseline data; :mod:`reesim.model` calibrates the base year and compiles scenarios;
:mod:`reesim.kernel` runs the monthly step; :mod:`reesim.engine` labels results;
:mod:`reesim.results` computes indicators. Heavy modules load on first use, so that importing
reesim (and ``reesim --help``) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Dataset", "__version__", "load_dataset", "run"]

if TYPE_CHECKING:
    from reesim.dataset import Dataset, load_dataset
    from reesim.engine.run import run


def __getattr__(name: str) -> Any:
    """Import ``Dataset``, ``load_dataset`` and ``run`` lazily."""
    if name in {"Dataset", "load_dataset"}:
        from reesim import dataset

        return getattr(dataset, name)
    if name == "run":
        from reesim.engine.run import run

        return run
    raise AttributeError(f"module 'reesim' has no attribute {name!r}")
