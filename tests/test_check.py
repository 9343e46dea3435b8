"""Article check: claims found with the expected verdicts in articles written for these tests
(simplified and traditional Chinese, English); precision and recall; the drafted scenario runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import reesim
from reesim.check.extract import Claim, extract, language, normalise
from reesim.check.verify import Verdict, verify
from reesim.cli import app
from reesim.dataset import load_dataset
from reesim.model.baseline import build_baseline

ARTICLES = Path(__file__).parent / "articles"
EXPECTED: dict[str, list[list[object]]] = json.loads((ARTICLES / "expected.json").read_text(encoding="utf-8"))
DS = load_dataset()
BASE = build_baseline(DS)


def _key(v: Verdict) -> tuple[object, ...]:
    c: Claim = v.claim
    context = c.event if c.kind == "event" else c.stage if c.kind in {"share", "quantity"} else ""
    value = round(c.value, 6) if isinstance(c.value, float) else c.value
    return (c.kind, value, context, v.verdict)


def score(name: str) -> tuple[float, float, list[tuple[object, ...]]]:
    """Precision and recall of (kind, value, context, verdict) against the annotation."""
    found = [_key(v) for v in verify(extract((ARTICLES / name).read_text(encoding="utf-8")), DS, BASE)]
    expected = [tuple(round(x, 6) if isinstance(x, float) else x for x in e) for e in EXPECTED[name]]
    hits = sum(1 for f in found if f in expected)
    return hits / max(len(found), 1), sum(1 for e in expected if e in found) / len(expected), found


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_annotated_claim_is_found_with_its_verdict(name: str) -> None:
    precision, recall, found = score(name)
    assert recall == 1.0, found
    assert precision >= 0.8, found


def test_overall_precision_and_recall() -> None:
    hits = found = expected = recalled = 0
    for name, annotated in EXPECTED.items():
        p, r, claims = score(name)
        found += len(claims)
        hits += round(p * len(claims))
        expected += len(annotated)
        recalled += round(r * len(annotated))
    assert (hits, found) == (26, 26)  # docs/check.md: precision 26/26 = 1.0
    assert (recalled, expected) == (25, 25)  # recall 1.0


def test_traditional_and_simplified_give_the_same_claims() -> None:
    import opencc  # type: ignore[import-untyped]

    traditional = (ARTICLES / "zh_hant.txt").read_text(encoding="utf-8")
    simplified = opencc.OpenCC("t2s").convert(traditional)
    assert [(c.kind, c.value) for c in extract(traditional)] == [
        (c.kind, c.value) for c in extract(simplified)
    ]
    assert language(normalise(traditional)) == "zh"
    assert language((ARTICLES / "en.txt").read_text(encoding="utf-8")) == "en"


def test_contradiction_gives_the_dataset_figure_and_source() -> None:
    verdicts = verify(extract("China makes about 60% of the world's magnets."), DS, BASE)
    assert [v.verdict for v in verdicts] == ["contradicted"]
    assert (
        "China's share of world magnets: 9" in verdicts[0].figure and "stage_capacity" in verdicts[0].source
    )


def test_check_command_json_and_the_drafted_scenario_runs(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["check", str(ARTICLES / "zh_hant.txt"), "--json", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["language"] == "zh" and len(data["claims"]) == 8
    assert {"sentence", "span", "kind", "value", "verdict", "figure", "source"} <= set(data["claims"][0])
    scenario = tmp_path / "zh_hant-scenario.yaml"
    assert scenario.exists() and data["scenario"] == scenario.read_text(encoding="utf-8")
    ran = reesim.run(str(scenario), dataset=DS, baseline=BASE, kernel="reference")
    assert ran.sizes["month"] == 36
    text = scenario.read_text(encoding="utf-8")
    assert "Ho" in text and "suspended" in text  # the October measures and their suspension


def test_check_command_table_stdin_and_report(tmp_path: Path) -> None:
    text = (ARTICLES / "en.txt").read_text(encoding="utf-8")
    result = CliRunner().invoke(
        app, ["check", "-", "--out", str(tmp_path)], input=text, env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "contradicted" in result.output and "supported" in result.output
    assert (tmp_path / "stdin-check.html").exists() and (tmp_path / "stdin-scenario.yaml").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "no-such-article.txt"], "no-such-article.txt: no such file"),
        (["check", "README.md", "--lang", "fr"], "unknown language 'fr'"),
    ],
)
def test_bad_input(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xff\xfe\x00\x01 not utf-8 \xc3")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 2 and "not UTF-8 text" in result.output
