"""What strategic stockpiles paid for their purchases (``stockpile_cost``, USD per month), as
the kernels add it up: the change of the stock plus what it released, at the month's price in
the holder's market, summed over the market's nodes (:mod:`reesim.results.purchases`); zero
without stockpiles and for stock that only moves (releases to allies, scheduled sales); the same
from both kernels and in the fast kernel's compact Monte Carlo series; carried by the headline,
its JSON, the command line and sensitivity analysis."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from tests.strategies import BASE, DS
from typer.testing import CliRunner

import reesim
from reesim.cli import app
from reesim.model.compile import Inputs, compile_scenario
from reesim.model.dims import MATERIALS
from reesim.model.scenario import ExportControl, Scenario, Stockpile
from reesim.results.purchases import bought, stockpile_cost

#: A US NdPr oxide stockpile holding 300 t at the start and buying 900 t a year towards 1,800 t;
#: it never releases (its users would have to lack more than all they use).
BUYING = Stockpile(holder="USA", material="oxide", target=1_800.0, purchase_per_yr=900.0, start="2025-02",
                   elements=("Nd", "Pr"), initial=300.0, release_shortfall=1.0)  # fmt: skip
#: China stops oxide, metal and magnet exports to the USA only (from March 2025).
US_EMBARGO = ExportControl(exporter="CHN", materials=("oxide", "metal", "magnet"), start="2025-03",
                           approval_share=0.0, destinations=("USA",))  # fmt: skip
#: Japan's 300 t of Dy/Tb in magnets, bought before the run: it releases to the short US and sells
#: 20 t on schedule, but buys nothing.
ALLY = Stockpile(holder="JPN", material="magnet", target=300.0, purchase_per_yr=0.0, start="2025-01",
                 elements=("Dy", "Tb"), initial=300.0, release_shortfall=0.02, release_to=("USA",),
                 scheduled=(("2025-06", 20.0),))  # fmt: skip


def _scenario(*instruments: object, months: int = 12) -> Scenario:
    return Scenario("piles", start="2025-01", months=months, instruments=instruments)  # type: ignore[arg-type]


def _run(*instruments: object, kernel: str = "reference") -> xr.Dataset:
    return reesim.run(_scenario(*instruments), kernel=kernel, dataset=DS, baseline=BASE)


def _inputs(*instruments: object) -> Inputs:
    return compile_scenario(_scenario(*instruments), DS, BASE)


def _initial(*instruments: object) -> np.ndarray:
    """[1, K, N, E] t the scenario's stockpiles hold at the start."""
    return _inputs(*instruments).stockpiles.initial_stock(*SHAPE)


SHAPE = (len(MATERIALS), BASE.dims.n_nodes, BASE.dims.n_elements)
K_OXIDE, USA = MATERIALS.index("oxide"), BASE.dims.node("USA")


def test_cost_is_the_stock_bought_at_the_outside_price() -> None:
    """A stockpile that never releases pays for the change of its stock (from the initial 300 t) at
    the outside-China price of each element, t x USD/kg x 1,000."""
    result = _run(BUYING)
    assert float(np.abs(result["released"].values).max()) == 0.0
    usa = result["stockpile"].values[0, :, K_OXIDE, USA]  # [T, E] t
    start = _initial(BUYING)[0, K_OXIDE, USA]
    assert start.sum() == pytest.approx(300.0)
    change = np.diff(usa, axis=0, prepend=start[None])
    assert change.min() > -1e-9 and change.sum() > 100.0  # it bought, and sold nothing
    price = result["price"].values[0, :, K_OXIDE, 1]  # [T, E] USD/kg outside China
    expected = float((change * price).sum() * 1000.0)
    paid = result["stockpile_cost"].isel(run=0).values
    assert paid[0] == 0.0  # it starts buying in February
    assert float(paid.sum()) == pytest.approx(expected, rel=1e-12)
    assert expected > 1e6


def test_no_stockpile_costs_nothing() -> None:
    result = reesim.run("baseline", kernel="reference", horizon=0.5, dataset=DS, baseline=BASE)
    assert result["stockpile_cost"].dims == ("run", "month")
    assert float(np.abs(result["stockpile_cost"].values).max()) == 0.0


def test_stock_that_only_moves_costs_nothing() -> None:
    """Japan's stock goes to the short US and on schedule into its own supply: its stock falls by
    what the US and Japan receive, so nothing is bought and nothing paid."""
    result = _run(US_EMBARGO, ALLY)
    released = result["released"].sel(material="magnet").isel(run=0)
    assert float(released.sel(node="USA").sum()) > 10.0 and float(released.sel(node="JPN").sum()) > 19.0
    pile = result["stockpile"].values
    assert pile[0, -1].sum() < 300.0 - 29.0  # the stock fell by what it gave
    inputs = _inputs(US_EMBARGO, ALLY)
    initial = inputs.stockpiles.initial_stock(*SHAPE)
    got = bought(pile, result["released"].values, initial, inputs.market)
    assert np.abs(got).max() < 1e-9
    assert float(np.abs(result["stockpile_cost"].values).max()) < 1e-3  # USD: float noise only


def test_kernel_cost_is_what_the_outputs_show_was_bought() -> None:
    """The cost the kernel adds up as stockpiles buy equals the change of their stocks plus what
    they released, priced per market (:func:`reesim.results.purchases.stockpile_cost`), with a
    stockpile buying, an embargo and an ally's stock released to the US and sold on schedule."""
    result = _run(US_EMBARGO, BUYING, ALLY)
    start, market = _initial(US_EMBARGO, BUYING, ALLY), _inputs(US_EMBARGO, BUYING, ALLY).market
    pile, released, price = (result[name].values for name in ("stockpile", "released", "price"))
    read = stockpile_cost(pile, released, start, price, market)
    paid = result["stockpile_cost"].values
    assert float(paid.sum()) > 1e6
    assert np.abs(paid - read).max() <= 1e-9 * np.abs(paid).max()


@pytest.mark.compile
def test_fast_and_reference_kernels_agree_on_the_cost() -> None:
    ref = _run(US_EMBARGO, BUYING, ALLY)
    fast = _run(US_EMBARGO, BUYING, ALLY, kernel="fast")
    a, b = ref["stockpile_cost"].values, fast["stockpile_cost"].values
    assert float(a.sum()) > 1e6
    assert np.abs(a - b).max() <= 1e-9 * np.abs(a).max()
    assert abs(float(a.sum()) - float(b.sum())) <= 1e-9 * float(a.sum())


SCENARIO = """name: piles
start: 2025-01
horizon: 2025-12
instruments:
  - kind: stockpile
    id: us-ndpr
    holder: USA
    material: oxide
    elements: [Nd, Pr]
    target_t: 1800
    purchase_t_per_yr: 900
    start: 2025-02
    release_shortfall: 1
"""


@pytest.mark.slow
def test_command_line_prints_and_reports_the_cost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``reesim run`` prints what the stockpile paid; its JSON headline carries it, as the schema
    says, and equals the run's total."""
    from tests.test_json_schemas import assert_conforms

    monkeypatch.setenv("REESIM_STORE", str(tmp_path / "runs.duckdb"))
    monkeypatch.setenv("COLUMNS", "200")
    path = tmp_path / "piles.yaml"
    path.write_text(SCENARIO)
    runner = CliRunner()
    done = runner.invoke(app, ["run", str(path), "--json", "--out", str(tmp_path / "r")])
    assert done.exit_code == 0, done.output
    payload = json.loads(done.stdout)
    assert_conforms("run", payload)
    paid = payload["indicators"]["stockpile_cost"]
    total = float(reesim.run(str(path), kernel="reference")["stockpile_cost"].sum())
    assert total > 1e6 and paid["p10"] == paid["p50"] == paid["p90"] == pytest.approx(total, rel=1e-12)
    report = Path(payload["report"]).read_text()
    assert "What strategic stockpiles paid" in report
    text = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "r")])
    assert text.exit_code == 0, text.output
    assert "Strategic stockpiles paid for their purchases" in text.stdout
    plain = runner.invoke(app, ["run", "baseline", "--horizon", "0.5", "--out", str(tmp_path / "r")])
    assert plain.exit_code == 0 and "Strategic stockpiles paid" not in plain.stdout


@pytest.mark.compile
def test_fast_monte_carlo_series_carry_the_cost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast kernel's compact Monte Carlo series carry what the stockpiles paid, run by run as the
    reference kernel's full outputs give it for the same draws; the headline spreads it over the
    runs and the command line prints the spread."""
    from reesim.engine.batch import run_batch
    from reesim.report.headline_html import number_text

    path = tmp_path / "piles.yaml"
    path.write_text(SCENARIO.replace("purchase_t_per_yr: 900", "purchase_t_per_yr: {dist: uniform, low: 600, "
                                     "high: 1200}"))  # fmt: skip
    fast = run_batch(str(path), runs=4, seed=3, dataset=DS, baseline=BASE, kernel="fast")
    ref = run_batch(str(path), runs=4, seed=3, dataset=DS, baseline=BASE, kernel="reference")
    a, b = ref.series["stockpile_cost"].values, fast.series["stockpile_cost"].values
    assert fast.sampled and a.shape == b.shape == (4, 12)
    assert np.abs(a - b).max() <= 1e-9 * np.abs(a).max()
    totals = b.sum(axis=1)
    assert totals.min() > 1e6 and totals.max() > 1.2 * totals.min()  # the purchase rate was drawn
    head = fast.headline()
    assert head.stockpile_cost is not None
    assert head.stockpile_cost.p10 < head.stockpile_cost.p50 < head.stockpile_cost.p90
    assert totals.min() <= head.stockpile_cost.p10 and head.stockpile_cost.p90 <= totals.max()
    monkeypatch.setenv("REESIM_STORE", str(tmp_path / "runs.duckdb"))
    monkeypatch.setenv("COLUMNS", "200")
    args = ["run", str(path), "--runs", "4", "--seed", "3", "--out", str(tmp_path / "r")]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    line = next(t for t in done.stdout.splitlines() if t.startswith("Strategic stockpiles paid"))
    assert f"USD {number_text(head.stockpile_cost, '{:,.1f}', 1e-6)} million" in line


def test_headline_keeps_the_cost_through_its_plain_form() -> None:
    from reesim.results.headline import Headline, Spread
    from reesim.results.plain import headline_json

    head = Headline(["2025-01"], [], Spread(0, 0, 0), 3, stockpile_cost=Spread(1e6, 2e6, 3e6))
    assert type(head).from_dict(head.to_dict()).stockpile_cost == head.stockpile_cost
    assert headline_json(head)["stockpile_cost"] == {"p10": 1e6, "p50": 2e6, "p90": 3e6}
    assert (
        type(head).from_dict(Headline(["2025-01"], [], Spread(0, 0, 0), 3).to_dict()).stockpile_cost is None
    )
