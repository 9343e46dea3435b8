"""Uncertainty: sampling runs (:mod:`.sample`), running them on an executor (:mod:`.executors`)
and sensitivity analysis (:mod:`.analyze`), in the style of SALib: a problem is plain data."""
