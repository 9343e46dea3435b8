"""Instrument kinds, one module each: what a scenario file may say (the pydantic spec), how it
becomes the engine's instruments (conversion) and what those add to the kernel's arrays (compile
step), registered in one table (:mod:`reesim.instruments.registry`).

The scenario language (:mod:`reesim.scenarios.spec`) builds its list of instrument models from the
table, :func:`reesim.scenarios.convert.to_model` and :func:`reesim.model.compile.compile_scenario`
dispatch through it, and :mod:`reesim.scenarios.docs` documents every kind in it.
"""

from reesim.instruments.base import Instrument, SpecBase
from reesim.instruments.registry import compile_steps, kind_of, kinds, register, unregister

__all__ = ["Instrument", "SpecBase", "compile_steps", "kind_of", "kinds", "register", "unregister"]
