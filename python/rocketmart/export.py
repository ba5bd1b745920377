"""Export a campaign mart to a file with DuckDB COPY (parameterised SQL only).

Identifiers come from the fixed CAMPAIGNS mapping, never from user input; user values
(limit, output path, control flag) are bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from rocketmart.warehouse import WarehouseError, connect, require_table


class Campaign(StrEnum):
    no_sales_items = "no-sales-items"
    browse_abandoners = "browse-abandoners"
    churned_customers = "churned-customers"


class ExportFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    json = "json"


# campaign -> (schema, table); the only identifiers that ever reach SQL text
CAMPAIGNS: dict[Campaign, tuple[str, str]] = {
    Campaign.no_sales_items: ("marts", "campaign_no_sales_items"),
    Campaign.browse_abandoners: ("marts", "campaign_browse_abandoners"),
    Campaign.churned_customers: ("marts", "campaign_churned_customers"),
}

_COPY_OPTIONS: dict[ExportFormat, str] = {
    ExportFormat.csv: "(format csv, header true)",
    ExportFormat.parquet: "(format parquet)",
    ExportFormat.json: "(format json, array true)",
}


@dataclass(frozen=True)
class ExportResult:
    campaign: Campaign
    output: Path
    n_rows: int


def export_campaign(
    campaign: Campaign | str,
    output: Path,
    export_format: ExportFormat | str = ExportFormat.csv,
    db: Path | None = None,
    limit: int | None = None,
    include_control: bool = False,
) -> ExportResult:
    """Write the campaign's targets, ordered by rank, to `output`. Control-group rows are
    left out unless `include_control` (they are the hold-out that measures lift)."""
    try:
        campaign = Campaign(campaign)
    except ValueError:
        names = ", ".join(c.value for c in Campaign)
        raise WarehouseError(f"unknown campaign {campaign!r} (choose from {names})") from None
    try:
        export_format = ExportFormat(export_format)
    except ValueError:
        names = ", ".join(f.value for f in ExportFormat)
        raise WarehouseError(f"unknown format {export_format!r} (choose from {names})") from None
    if limit is not None and not 1 <= limit <= 2**63 - 1:
        raise WarehouseError(f"--limit must be a whole number from 1 to {2**63 - 1}, not {limit}")
    output = Path(output)
    if output.is_dir():
        raise WarehouseError(f"output {output} is a directory; give a file path")
    if not output.parent.is_dir():
        raise WarehouseError(f"output directory {output.parent} does not exist")

    schema, table = CAMPAIGNS[campaign]
    with connect(db) as con:
        require_table(con, schema, table)
        query = (
            f"select * from {schema}.{table} "  # identifiers from CAMPAIGNS only
            "where ($include_control or not is_control) "
            "order by rank "
            "limit coalesce($limit, 9223372036854775807)"
        )
        params = {"include_control": include_control, "limit": limit}
        n_rows = con.execute(f"select count(*) from ({query})", params).fetchone()[0]
        try:
            con.execute(
                f"copy ({query}) to $output {_COPY_OPTIONS[export_format]}",
                {**params, "output": str(output)},
            )
        except Exception as exc:  # duckdb raises IOException for unwritable paths
            raise WarehouseError(f"cannot write {output}: {exc}".splitlines()[0]) from exc
    return ExportResult(campaign, output, n_rows)
