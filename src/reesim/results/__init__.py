"""Headline indicators computed from a run's labelled outputs."""
