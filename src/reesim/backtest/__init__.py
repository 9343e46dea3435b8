"""Backtests: the model against what happened (:mod:`.cases` defines them, :mod:`.fit` scores them;
:mod:`.prices` declares the pass/miss price criteria of :mod:`.criteria` on the prices that
:mod:`.observed` reads)."""
