"""Stored runs read back once and kept, for the dashboard.

Reading a run back from its Parquet files takes about a second; the page asks for the same run
several times (its headline, then its series for each place and item), and a comparison asks
for several runs at once. A stored run never changes, so the dashboard keeps the last
:data:`KEEP` runs it read, keyed by their full id. The id is resolved against the store on
every request, so a run deleted meanwhile is not served from memory.

A comparison reads its runs within a time budget (:meth:`RunCache.get_many`): once the budget
is spent, no further run is read back and the request is refused; the runs read so far stay
kept, so asking again goes on where the last request stopped.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from reesim.dataset.model import Dataset
from reesim.store.store import Store

#: Stored runs kept in memory (a run's series are a few MB at most: quantiles above 100 runs).
KEEP = 8


class OverBudgetError(Exception):
    """Reading runs back for one request took longer than its budget; ``read`` of ``wanted`` runs
    are in memory now."""

    def __init__(self, read: int, wanted: int, budget_s: float) -> None:
        super().__init__(
            f"reading these runs back took longer than {budget_s:g} s: {read} of {wanted} are read and "
            "kept, so asking again goes on from there"
        )
        self.read, self.wanted, self.budget_s = read, wanted, budget_s


class RunCache:
    """The last :data:`KEEP` runs read back from ``store``, least recently used first out."""

    def __init__(self, store: Store, ds: Dataset, keep: int = KEEP) -> None:
        self.store = store
        self.ds = ds
        self.keep = keep
        self.reads = 0  # runs read back from their files (for tests and diagnostics)
        self._runs: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

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

    def kept(self, full: str) -> bool:
        """Whether the run with full id ``full`` is in memory."""
        with self._lock:
            return full in self._runs

    def get_many(self, run_ids: Sequence[str], budget_s: float) -> list[Any]:
        """The stored runs ``run_ids``, each as :meth:`get` gives it, read within ``budget_s``
        seconds: a run not in memory is read back only while the budget lasts (the first such run
        always, so that asking again makes progress). :class:`OverBudgetError` once it is spent."""
        start = time.monotonic()
        fulls = [self.store.resolve_id(i) for i in run_ids]  # every id is known before any is read
        read, out = 0, []
        for full in fulls:
            if not self.kept(full):
                if read and time.monotonic() - start > budget_s:
                    raise OverBudgetError(sum(self.kept(f) for f in fulls), len(fulls), budget_s)
                read += 1
            out.append(self.get(full))
        return out
