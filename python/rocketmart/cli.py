"""``rocketmart`` command line interface (Typer).

Commands stay thin: they parse arguments, call a pure function of the package and print a
short summary. User-fixable problems print one ``Error: ...`` line to stderr and exit 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from rocketmart import __version__

app = typer.Typer(
    name="rocketmart",
    help="Retail Rocket clickstream → dbt/DuckDB warehouse → campaign lists.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


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


if __name__ == "__main__":  # pragma: no cover
    app()
