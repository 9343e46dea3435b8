"""Backtests: the model against what happened (:mod:`.cases` defines them, :mod:`.fit` scores them)."""
