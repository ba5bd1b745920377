"""Campaign downloads for the dashboard: the CLI's own export code (`export_campaign`,
DuckDB COPY) into a temporary file, returned as bytes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from rocketmart.export import Campaign, ExportFormat, export_campaign

MIME_TYPES: dict[ExportFormat, str] = {
    ExportFormat.csv: "text/csv",
    ExportFormat.parquet: "application/vnd.apache.parquet",
    ExportFormat.json: "application/json",
}


def file_name(campaign: Campaign | str, export_format: ExportFormat | str) -> str:
    return f"{Campaign(campaign).value.replace('-', '_')}.{ExportFormat(export_format).value}"


def export_bytes(
    campaign: Campaign | str,
    export_format: ExportFormat | str,
    db: Path,
    include_control: bool = False,
) -> bytes:
    """Exactly what `rocketmart export CAMPAIGN --format F [--include-control]` writes."""
    with tempfile.TemporaryDirectory(prefix="rocketmart-download-") as tmp:
        output = Path(tmp) / file_name(campaign, export_format)
        export_campaign(campaign, output, export_format, db=db, include_control=include_control)
        return output.read_bytes()
