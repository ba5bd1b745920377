"""``rocketmart`` command line interface (Typer).

Commands stay thin: they parse arguments, call a pure function of the package and print a
short summary. User-fixable problems print one ``Error: ...`` line to stderr and exit 1.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from rocketmart import __version__
from rocketmart.export import Campaign, ExportFormat

app = typer.Typer(
    name="rocketmart",
    help="Retail Rocket clickstream → dbt/DuckDB warehouse → campaign lists.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


console = Console()


def _fail(message: str) -> NoReturn:
    """Print a one-line ``Error: ...`` to stderr and exit with code 1 (no traceback)."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code=1)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"rocketmart {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Show the version and exit.",
            callback=_version_callback,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Retail Rocket clickstream → dbt/DuckDB warehouse → campaign lists."""


@app.command()
def generate(
    out: Annotated[
        Path,
        typer.Option("--out", help="Output directory (created if missing).", show_default=False),
    ],
    visitors: Annotated[
        int, typer.Option("--visitors", min=1, help="Number of visitors to simulate.")
    ] = 20_000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed.")] = 42,
    with_properties: Annotated[
        bool,
        typer.Option(
            "--with-properties",
            help="Also write [bold]item_properties_part1/2.csv[/bold] (category, availability, "
            "price and noise keys).",
        ),
    ] = False,
    bad_rows: Annotated[
        int,
        typer.Option(
            "--bad-rows",
            min=0,
            help="Append this many malformed rows to events.csv, cycling through every "
            "quarantine reason.",
        ),
    ] = 0,
) -> None:
    """Write a deterministic synthetic dataset in the raw Retail Rocket layout.

    Files: [bold]events.csv[/bold], [bold]category_tree.csv[/bold], optionally
    [bold]item_properties_part*.csv[/bold], and [bold]generator_manifest.json[/bold] with the
    planted truth. Same arguments → byte-identical files.
    """
    from rocketmart.generator import MANIFEST_NAME, GeneratorError, generate_dataset

    try:
        result = generate_dataset(
            out, visitors, seed, with_properties=with_properties, bad_rows=bad_rows
        )
    except GeneratorError as exc:
        _fail(str(exc))
    parts = ", ".join(f"{name} ({rows:,} rows)" for name, rows in result.files.items())
    typer.echo(
        f"Wrote {parts} and {MANIFEST_NAME} to {result.out_dir} "
        f"({visitors:,} visitors, seed {seed}, {result.total_rows:,} rows in total)"
    )


@app.command()
def calibrate(
    visitors: Annotated[
        int, typer.Option("--visitors", min=1, help="Visitors to generate (>= 5,000).")
    ] = 100_000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed.")] = 42,
    out: Annotated[Path, typer.Option("--out", help="Markdown report to write.")] = Path(
        "docs/calibration.md"
    ),
    real: Annotated[
        Path,
        typer.Option("--real", help="The real 5,000-visitor events sample to compare with."),
    ] = Path("../shared/data/retailrocket/events_sample_5000_visitors.csv"),
    full_scale: Annotated[
        bool,
        typer.Option(
            "--full-scale",
            help="Also generate the full 1.4 M visitors and compare their distinct items with "
            "the published 235,061 (~20 s, ~2 GB).",
        ),
    ] = False,
) -> None:
    """Compare generated data, cut into 5,000-visitor subsets, with the real sample.

    Writes a table (real sample | generated | full data | ratio | within tolerance) and
    the 24-hour and weekday profiles as inline SVG charts; exits 1 when a statistic is out
    of tolerance.
    """
    from rocketmart.calibration import CalibrationError, run_calibration

    try:
        result = run_calibration(real, out, visitors=visitors, seed=seed, full_scale=full_scale)
    except CalibrationError as exc:
        _fail(str(exc))
    rows = result["rows"]
    failed = [row.stat.label for row in rows if not row.ok]
    typer.echo(f"Wrote {out}: {len(rows) - len(failed)} of {len(rows)} statistics within tolerance")
    if failed:
        _fail("out of tolerance: " + "; ".join(failed))


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Warehouse file [dim](default: $ROCKETMART_DB or warehouse/rocketmart.duckdb)[/dim].",
        show_default=False,
    ),
]


@app.command()
def build(
    raw_dir: Annotated[
        Path | None,
        typer.Option(
            "--raw-dir",
            help="Directory with the raw CSVs "
            "[dim](default: $ROCKETMART_RAW_DIR or data/raw)[/dim].",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    full_refresh: Annotated[
        bool, typer.Option("--full-refresh", help="Rebuild from an empty database.")
    ] = False,
    target: Annotated[
        str,
        typer.Option(
            "--target", help="dbt target: dev (DuckDB) or spark (README: Running on Spark)."
        ),
    ] = "dev",
) -> None:
    """Run [bold]dbt build[/bold] and publish the warehouse atomically.

    The build writes a temporary database file next to the warehouse and renames it over
    the warehouse only when every model and test passed: a failed or interrupted build
    leaves the previous warehouse untouched.
    """
    from rocketmart.warehouse import WarehouseError
    from rocketmart.warehouse import build as build_warehouse

    if target != "dev":  # the Spark runner (python/rocketmart/spark_runner.py)
        from rocketmart.spark_runner import SparkBuildError, build_from_raw

        try:
            typer.echo(build_from_raw(raw_dir, target=target).describe())
        except SparkBuildError as exc:
            _fail(str(exc))
        return

    with _build_progress() as on_progress:
        try:
            summary = build_warehouse(
                raw_dir=raw_dir, db=db, full_refresh=full_refresh, on_progress=on_progress
            )
        except WarehouseError as exc:
            _fail(str(exc))
    typer.echo(summary.describe())


@contextmanager
def _build_progress():
    """A progress callback for warehouse.build: a live rich bar (nodes done / total, the
    running node, elapsed time) on a terminal, one plain line per finished model
    otherwise (logs, CI)."""
    if console.is_terminal:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        columns = (
            SpinnerColumn(),
            TextColumn("dbt build"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}", style="dim"),
        )
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("starting", total=None)

            def on_progress(progress) -> None:
                bar.update(
                    task,
                    total=progress.total or None,
                    completed=progress.done,
                    description=progress.running,
                )

            yield on_progress
        return

    seen = {"models": 0}

    def on_plain(progress) -> None:
        models = progress.counts.get("models", 0) + progress.counts.get("seeds", 0)
        if models != seen["models"]:
            seen["models"] = models
            typer.echo(
                f"[{progress.done}/{progress.total}] {progress.elapsed:6.1f}s "
                f"{models} models built (running {progress.running or '-'})"
            )

    yield on_plain


@app.command()
def export(
    campaign: Annotated[Campaign, typer.Argument(help="The campaign list to export.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="File to write.", show_default=False)
    ],
    export_format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="File format.")
    ] = ExportFormat.csv,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=1, max=2**63 - 1, help="Keep only the N best-ranked targets."),
    ] = None,
    include_control: Annotated[
        bool,
        typer.Option(
            "--include-control",
            help="Also export the control (hold-out) rows; they are left out by default.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Export a campaign list (ordered by rank) with DuckDB COPY."""
    from rocketmart.export import export_campaign
    from rocketmart.warehouse import WarehouseError

    try:
        result = export_campaign(
            campaign, output, export_format, db=db, limit=limit, include_control=include_control
        )
    except WarehouseError as exc:
        _fail(str(exc))
    typer.echo(f"Exported {result.n_rows:,} {campaign.value} targets to {result.output}")


@app.command()
def recommend(
    visitor_id: Annotated[
        int | None, typer.Argument(help="Visitor to recommend items for.", show_default=False)
    ] = None,
    item: Annotated[
        int | None,
        typer.Option("--item", help="Show items similar to this item instead.", show_default=False),
    ] = None,
    db: DbOption = None,
) -> None:
    """Print recommendations for a visitor, or similar items for [bold]--item[/bold]."""
    from rocketmart import reports
    from rocketmart.warehouse import WarehouseError

    if (visitor_id is None) == (item is None):
        _fail("give either a VISITOR_ID or --item ITEM_ID")
    try:
        if item is not None:
            report = reports.similar_items(item, db=db)
        else:
            report = reports.visitor_recommendations(visitor_id, db=db)
    except WarehouseError as exc:
        _fail(str(exc))
    _print_report(report)


@app.command()
def metrics(db: DbOption = None) -> None:
    """Print model metrics (vs baselines) and the recommendation evaluation."""
    from rocketmart import reports
    from rocketmart.warehouse import WarehouseError

    try:
        models = reports.model_metrics(db=db)
        strategies = reports.recommendation_metrics(db=db)
    except WarehouseError as exc:
        _fail(str(exc))
    _print_model_metrics(models)
    for protocol, rows in _group(strategies, "protocol").items():
        _print_report(
            reports.Report(
                f"{strategies.title}: {protocol}",
                [c for c in strategies.columns if c != "protocol"],
                rows,
            )
        )


def _group(report, column: str) -> dict[object, list[tuple]]:
    """The report's rows by the value of `column`, without that column (order kept)."""
    index = report.columns.index(column)
    groups: dict[object, list[tuple]] = {}
    for row in report.rows:
        groups.setdefault(row[index], []).append(row[:index] + row[index + 1 :])
    return groups


def _print_model_metrics(report) -> None:
    """One narrow table per model: a row per metric, a column per variant (model vs
    baseline), so it stays readable at 80 columns."""
    from rocketmart.reports import Report

    columns = [c for c in report.columns if c != "model"]
    variant_index = columns.index("variant")
    for model, rows in _group(report, "model").items():
        variants = [row[variant_index] for row in rows]
        metric_rows = [
            (name, *(row[i] for row in rows))
            for i, name in enumerate(columns)
            if i != variant_index
        ]
        _print_report(Report(f"{report.title}: {model}", ["metric", *variants], metric_rows))


@app.command()
def readout(
    campaign: Annotated[
        str | None,
        typer.Option(
            "--campaign",
            help="Only this campaign: no-sales-items, browse-abandoners or churned-customers.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Print the campaign readout: conversion of targets vs the hold-out, 95 % CI, p, MDE."""
    from rocketmart import reports
    from rocketmart.warehouse import WarehouseError

    try:
        report = reports.campaign_readout(db=db, campaign=campaign)
    except WarehouseError as exc:
        _fail(str(exc))
    _print_report(report)


@app.command()
def dashboard(
    db: DbOption = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (localhost only by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to serve on.")] = 8501,
) -> None:
    """Serve the dashboard (Streamlit) over the warehouse, read-only, until Ctrl-C."""
    from rocketmart.dashboard import serve
    from rocketmart.warehouse import WarehouseError

    try:
        serve(db=db, host=host, port=port)
    except WarehouseError as exc:
        _fail(str(exc))


def _print_report(report) -> None:
    table = Table(title=report.title, title_justify="left")
    for column in report.columns:
        table.add_column(column, overflow="fold")
    for row in report.rows:
        table.add_row(*("" if value is None else str(value) for value in row))
    console.print(table)


if __name__ == "__main__":  # pragma: no cover
    app()
