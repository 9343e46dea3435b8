"""Stored runs read back once and kept, for the dashboard.

Reading a run back from its Parquet files takes about a second; the page asks for the same run
several times (its headline, then its series for each place and item), and a comparison asks
for several runs at once. A stored run never changes, so the dashboard keeps the last
:data:`KEEP` runs it read, keyed by their full id. The id is resolved against the store on
every request, so a run deleted meanwhile is not served from memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from reesim.dataset.model import Dataset
from reesim.store.store import Store

#: Stored runs kept in memory (a run's series are a few MB at most: quantiles above 100 runs).
KEEP = 8


class RunCache:
    """The last :data:`KEEP` runs read back from ``store``, least recently used first out."""

    def __init__(self, store: Store, ds: Dataset, keep: int = KEEP) -> None:
        self.store = store
        self.ds = ds
        self.keep = keep
        self.reads = 0  # runs read back from their files (for tests and diagnostics)
        self._runs: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, done: Any) -> None:
        """Keep a run just stored (a :class:`~reesim.store.runs.Done`), so its page needs no read."""
        with self._lock:
            self._runs[done.record.id] = done
            self._runs.move_to_end(done.record.id)
            while len(self._runs) > self.keep:
                self._runs.popitem(last=False)

    def get(self, run_id: str) -> Any:
        """The stored run ``run_id`` (an id or unique prefix) as a :class:`~reesim.store.runs.Done`;
        InputError if there is no such run or its files are damaged."""
        from reesim.store.runs import rebuild

        full = self.store.resolve_id(run_id)
        with self._lock:
            if full in self._runs:
                self._runs.move_to_end(full)
                return self._runs[full]
        done = rebuild(self.store, full, self.ds)
        with self._lock:
            self.reads += 1
            self._runs[full] = done
            while len(self._runs) > self.keep:
                self._runs.popitem(last=False)
        return done
