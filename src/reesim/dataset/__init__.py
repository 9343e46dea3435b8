"""Load, check and summarise the bundled, sourced baseline dataset."""

from __future__ import annotations

from reesim.dataset.checks import check_dataset
from reesim.dataset.model import Dataset, bundled_data_dir, load_dataset, read_dataset

__all__ = ["Dataset", "bundled_data_dir", "check_dataset", "load_dataset", "read_dataset"]
