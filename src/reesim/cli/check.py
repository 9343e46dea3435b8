"""``reesim check ARTICLE``: the claims an article makes, checked against the data, and a draft scenario."""

from __future__ import annotations

import html
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from reesim.cli.common import friendly, out
from reesim.errors import InputError, Problem

MAX_BYTES = 1_000_000


def check(
    article: Annotated[str, typer.Argument(help="Text file of the article, or - for standard input.")],
    lang: Annotated[str, typer.Option("--lang", help="zh, en or auto.")] = "auto",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print claims and scenario as one JSON object.")
    ] = False,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for the report and the drafted scenario.")
    ] = Path("reports"),
) -> None:
    """Find the claims reesim can judge in an article, check them, and draft a scenario."""
    from reesim.check.draft import draft
    from reesim.check.extract import extract, language, normalise
    from reesim.check.verify import verify
    from reesim.dataset import load_dataset
    from reesim.model.baseline import build_baseline

    if lang not in {"zh", "en", "auto"}:
        raise InputError(
            [Problem("--lang", None, "--lang", f"unknown language {lang!r}", "use zh, en or auto")]
        )
    text, name = _read(article)
    detected = language(normalise(text)) if lang == "auto" else lang
    ds = load_dataset()
    verdicts = verify(extract(text), ds, build_baseline(ds))
    scenario = draft([v.claim for v in verdicts], name, ds, article if article != "-" else "standard input")
    path = None
    if scenario is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{name}-scenario.yaml"
        path.write_text(scenario, encoding="utf-8")
        from reesim.scenarios import resolve

        resolve(str(path), ds)  # the draft must be a valid scenario
    if as_json:
        keep = {"places", "elements", "stage", "event", "qualifier"}
        claims = [
            {"sentence": v.claim.sentence, "kind": v.claim.kind, "value": v.claim.value, "unit": v.claim.unit,
             "verdict": v.verdict, "figure": v.figure, "source": v.source,
             "context": {k: val for k, val in asdict(v.claim).items() if k in keep}}
            for v in verdicts
        ]  # fmt: skip
        typer.echo(
            json.dumps({"language": detected, "claims": claims, "scenario": scenario}, ensure_ascii=False)
        )
        return
    table = Table(title=f"Claims in {article} ({detected})", show_lines=True)
    for col in ("sentence", "kind", "value", "verdict", "dataset", "source"):
        table.add_column(col, overflow="fold")
    colours = {"supported": "green", "contradicted": "red"}
    for v in verdicts:
        value = f"{v.claim.value:.0%}" if v.claim.kind == "share" else str(v.claim.value)
        table.add_row(v.claim.sentence, v.claim.kind, value, v.verdict, v.figure, v.source,
                      style=colours.get(v.verdict))  # fmt: skip
    out.print(table if verdicts else "No claims reesim can judge were found.")
    report = _report(verdicts, scenario, article, out_dir, name)
    if path is not None:
        out.print(f"Drafted scenario: [bold]{path}[/bold] (run it with `reesim run {path}`)")
    out.print(f"Report written to [bold]{report}[/bold]")


def _read(article: str) -> tuple[str, str]:
    if article == "-":
        return sys.stdin.read(MAX_BYTES), "stdin"
    path = Path(article)
    try:
        raw = path.read_bytes()[: MAX_BYTES + 1]
    except OSError as exc:
        raise InputError(
            [Problem(article, None, None, f"cannot read the article: {exc.strerror}", "check the path")]
        ) from None
    if len(raw) > MAX_BYTES:
        raise InputError(
            [Problem(article, None, None, "article larger than 1 MB", "check one article at a time")]
        )
    try:
        return raw.decode("utf-8"), path.stem
    except UnicodeDecodeError:
        raise InputError(
            [Problem(article, None, None, "not UTF-8 text", "save the article as UTF-8")]
        ) from None


def _report(verdicts: list, scenario: str | None, article: str, out_dir: Path, name: str) -> Path:  # type: ignore[type-arg]
    from reesim.report.headline_html import write_page

    out_dir.mkdir(parents=True, exist_ok=True)
    rows = "".join(
        f"<tr><td>{html.escape(v.claim.sentence)}</td><td>{v.claim.kind}</td><td>{html.escape(str(v.claim.value))}</td>"
        f"<td>{v.verdict}</td><td>{html.escape(v.figure)}</td><td>{html.escape(v.source)}</td></tr>"
        for v in verdicts
    )
    drafted = scenario or "No dated trade measures found: no scenario drafted."
    heads = "".join(f"<th>{h}</th>" for h in ("sentence", "kind", "value", "verdict", "dataset", "source"))
    body = (
        f"<h1>Article check: {html.escape(article)}</h1><h2>Claims</h2><table><thead><tr>{heads}</tr></thead>"
        f"<tbody>{rows}</tbody></table><h2>Drafted scenario</h2><pre>{html.escape(drafted)}</pre>"
    )
    return write_page(out_dir / f"{name}-check.html", "Article check", body)


def register(app: typer.Typer) -> None:
    """Add ``reesim check``."""
    app.command("check")(friendly(check))
