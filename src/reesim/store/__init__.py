"""The results store: run records in DuckDB, monthly series as Parquet beside it."""

from reesim.store.store import RunRecord, Store, default_store_path

__all__ = ["RunRecord", "Store", "default_store_path"]
