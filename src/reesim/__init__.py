"""reesim: simulate the global rare-earth supply chain, mine to magnet to product.

The package is organised by verb: :mod:`reesim.dataset` loads and checks the bundled,
sourced baseline data; later modules compile scenarios, run the monthly kernel and report.
"""

from __future__ import annotations

from reesim.dataset import Dataset, load_dataset

__version__ = "0.1.0"

__all__ = ["Dataset", "__version__", "load_dataset"]
