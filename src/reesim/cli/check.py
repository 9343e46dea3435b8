"""``reesim check ARTICLE``: the claims an article makes, checked against the data, and a draft scenario."""

from __future__ import annotations

import html
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from reesim.cli.common import friendly, out, output_folder
from reesim.errors import InputError, Problem
from reesim.textfile import read_stdin, read_text

if TYPE_CHECKING:
    from reesim.check.verify import Verdict

#: Most claims checked in one article: more is not an article (each claim repeats its sentence
#: in the table, the JSON and the report, so the output would be hundreds of times the input).
MAX_CLAIMS = 10_000
#: Rows of the table printed in the terminal; the report and ``--json`` have every claim.
MAX_ROWS = 200


def check(
    article: Annotated[str, typer.Argument(help="Text file of the article, or - for standard input.")],
    lang: Annotated[str, typer.Option("--lang", help="zh, en or auto.")] = "auto",
    date: Annotated[
        str | None,
        typer.Option(
            "--date", help="The article's date, YYYY-MM-DD or YYYY-MM (default: its dateline, else inferred)."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print claims and scenario as one JSON object.")
    ] = False,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for the report and the drafted scenario.")
    ] = Path("reports"),
) -> None:
    """Find the claims reesim can judge in an article, check them, and draft a scenario."""
    from reesim.extras import require

    require("check")
    from reesim.check.dates import ArticleDate, dateline, parse_option
    from reesim.check.draft import draft
    from reesim.check.extract import extract, language, normalise
    from reesim.check.records import infer_date, records
    from reesim.check.verify import verify
    from reesim.dataset import load_dataset
    from reesim.model.baseline import build_baseline

    if lang not in {"zh", "en", "auto"}:
        raise InputError(
            [Problem("--lang", None, "--lang", f"unknown language {lang!r}", "use zh, en or auto")]
        )
    given = ArticleDate()
    if date is not None:
        try:
            given = parse_option(date)
        except ValueError as exc:
            raise InputError(
                [Problem("--date", None, "--date", str(exc), "e.g. --date 2025-10-31")]
            ) from None
    text, name = _read(article)
    output_folder(out_dir)
    detected = language(normalise(text)) if lang == "auto" else lang
    claims = extract(text, given, limit=MAX_CLAIMS)
    if len(claims) > MAX_CLAIMS:
        where = article if article != "-" else "standard input"
        raise InputError(
            [Problem(where, None, None, f"more than {MAX_CLAIMS:,} claims found",
                     "check one article at a time")]
        )  # fmt: skip
    ds = load_dataset()
    when = infer_date(claims, records(ds), given if given.how != "unknown" else dateline(normalise(text)))
    verdicts = verify(claims, ds, build_baseline(ds), when)
    checked = [v.claim for v in verdicts]
    scenario = draft(checked, name, ds, article if article != "-" else "standard input", when.month_text())
    path = None
    if scenario is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{name}-scenario.yaml"
        path.write_text(scenario, encoding="utf-8")
        from reesim.scenarios import resolve

        resolve(str(path), ds)  # the draft must be a valid scenario
    if as_json:
        keep = {
            "places",
            "elements",
            "stage",
            "event",
            "qualifier",
            "topic",
            "names",
            "until",
            "destinations",
        }
        rows = [
            {"sentence": v.claim.sentence, "span": v.claim.span, "kind": v.claim.kind, "value": v.claim.value,
             "unit": v.claim.unit, "verdict": v.verdict, "figure": v.figure, "source": v.source,
             "context": {k: val for k, val in asdict(v.claim).items() if k in keep}}
            for v in verdicts
        ]  # fmt: skip
        from reesim.results.plain import dumps

        dated = {"date": when.describe(), "how": when.how}
        typer.echo(dumps({"language": detected, **dated, "claims": rows, "scenario": scenario}))
        return
    title = f"Claims in {escape(article)} ({detected}; article date {when.describe()})"
    table = Table(title=title, show_lines=True)
    for col in COLUMNS:
        table.add_column(col, overflow="fold")
    colours = {"supported": "green", "contradicted": "red", "partly supported": "yellow"}
    for v in verdicts[:MAX_ROWS]:
        table.add_row(*(escape(x) for x in _cells(v)), style=colours.get(v.verdict))
    out.print(table if verdicts else "No claims reesim can judge were found.")
    if len(verdicts) > MAX_ROWS:
        out.print(f"The first {MAX_ROWS} of {len(verdicts):,} claims; the report has them all.")
    report = _report(verdicts, scenario, article, out_dir, name, when.describe())
    if path is not None:
        shown = escape(str(path))
        out.print(f"Drafted scenario: [bold]{shown}[/bold] (run it with `reesim run {shown}`)")
    out.print(f"Report written to [bold]{escape(str(report))}[/bold]")


def _read(article: str) -> tuple[str, str]:
    """The article's text (at most :data:`~reesim.textfile.MAX_BYTES` of UTF-8) and its name."""
    if article == "-":
        return read_stdin(), "stdin"
    return read_text(Path(article), article), Path(article).stem


#: Columns of the claim table and the report.
COLUMNS = ("claim (span)", "kind", "value", "verdict", "checked against", "source")


def _cells(v: Verdict) -> tuple[str, ...]:
    """One claim's cells: its words, kind, value, verdict, the record and its source."""
    c = v.claim
    value = f"{c.value:.0%}" if c.kind in {"share", "change"} and isinstance(c.value, float) else str(c.value)
    return (c.span or c.sentence, c.kind, value, v.verdict, v.figure, v.source)


def _report(
    verdicts: list[Verdict], scenario: str | None, article: str, out_dir: Path, name: str, when: str
) -> Path:
    from reesim.report.headline_html import write_page

    out_dir.mkdir(parents=True, exist_ok=True)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in _cells(v)) + "</tr>" for v in verdicts
    )
    drafted = scenario or "No policy claims found: no scenario drafted."
    heads = "".join(f"<th>{h}</th>" for h in COLUMNS)
    body = (
        f"<h1>Article check: {html.escape(article)}</h1><p>Article date: {html.escape(when)}</p>"
        f"<h2>Claims</h2><table><thead><tr>{heads}</tr></thead>"
        f"<tbody>{rows}</tbody></table><h2>Drafted scenario</h2><pre>{html.escape(drafted)}</pre>"
    )
    return write_page(out_dir / f"{name}-check.html", "Article check", body)


def register(app: typer.Typer) -> None:
    """Add ``reesim check``."""
    app.command("check")(friendly(check))
