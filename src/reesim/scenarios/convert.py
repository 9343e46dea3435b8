"""Turn a resolved scenario into the engine's :class:`~reesim.model.scenario.Scenario`.

This is where the language's conveniences become plain instruments: each instrument's converter,
found in the registry (:mod:`reesim.instruments`), expands scenario blocs to their members, turns
``forms`` into materials (ore -> concentrate), splits controls into periods, fills capacity projects
from dataset facilities, and so on; offtakes and investment programmes then act on the projects.
Numbers that are distributions take the value ``pick`` gives (by default the central value; Monte
Carlo passes draws, either one run's floats or arrays of one value per run, which flow through
unchanged into :func:`reesim.model.compile.compile_scenario`).
"""

from __future__ import annotations

from reesim.dataset.model import Dataset
from reesim.dataset.parse import did_you_mean
from reesim.errors import InputError, Problem, by_position
from reesim.instruments.conversion import Conversion, Pick
from reesim.instruments.registry import kind_of
from reesim.language.fields import parse_date
from reesim.language.numbers import Number, central
from reesim.model import scenario as m
from reesim.model.outlook import outlook_ids
from reesim.model.prices import missing_elements, unpriced_year
from reesim.scenarios.load import Resolved

__all__ = ["Pick", "months_between", "to_model"]


def _central(value: Number, _where: str) -> float:
    return central(value)


def months_between(start: str, horizon: str) -> int:
    """Number of months from ``start`` to ``horizon``, both included."""
    (y0, m0), (y1, m1) = parse_date(start), parse_date(horizon)
    return (y1 - y0) * 12 + (m1 - m0) + 1


def to_model(resolved: Resolved, ds: Dataset, pick: Pick = _central) -> m.Scenario:
    """The engine scenario; InputError (located in the files) for what only the dataset can tell.

    Instruments convert in file order, those that act on capacity projects (``after_projects``)
    once every other has: the order in which numbers are picked, which Monte Carlo draws follow.
    """
    conv = Conversion(resolved, ds, pick)
    found = [(n, inst, kind_of(inst)) for n, inst in enumerate(resolved.instruments)]
    for late in (False, True):
        for n, inst, kind in found:
            if kind.after_projects is late:
                kind.convert(conv, n, inst)
    outlook = resolved.demand_outlook or m.DEFAULT_OUTLOOK
    known = outlook_ids(ds)
    if outlook not in known:
        conv.problems.append(resolved.problem(
            None, ("demand_outlook",), f"unknown demand outlook {outlook!r}",
            did_you_mean(outlook, known),
        ))  # fmt: skip
    conv.problems += _price_year_problems(resolved, ds)
    if conv.problems:
        raise InputError(by_position(conv.problems))
    return m.Scenario(
        name=resolved.name,
        start=resolved.start,
        months=months_between(resolved.start, resolved.horizon),
        instruments=tuple(conv.out),
        parameters={k: pick(v, f"parameters.{k}") for k, v in resolved.parameters.items()},
        description=resolved.description,
        demand_outlook=outlook,
        price_year=resolved.price_year,
    )


def _price_year_problems(resolved: Resolved, ds: Dataset) -> list[Problem]:
    """A ``price_year`` must be a year the dataset's prices table prices every element in that
    the base year's prices do; the problem is located at the scenario's ``price_year``."""
    from reesim.model.baseline import BASE_YEAR

    year = resolved.price_year
    if year is None:
        return []
    where = ("price_year",)
    unpriced = unpriced_year(ds, year)
    if unpriced:
        return [resolved.problem(None, where, *unpriced)]
    missing = missing_elements(ds, year, BASE_YEAR)
    if missing:
        names = ", ".join(f"{el}_oxide" for el in missing)
        message = f"the prices table (prices.csv) has no {year} price for {names}"
        hint = (
            f"add a {year} row for each to prices.csv, or give a year pricing every element {BASE_YEAR} does"
        )
        return [resolved.problem(None, where, message, hint)]
    return []
