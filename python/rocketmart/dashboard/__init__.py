"""The rocketmart dashboard: a Streamlit app over the warehouse's marts.

`app.py` is the Streamlit script (pages in `pages/`), `queries.py` the pure query layer the
pages call, `downloads.py` the campaign downloads (the CLI's export code). This module only
builds the `streamlit run` command line; it knows nothing of Typer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rocketmart.warehouse import WarehouseError, resolve_db

APP = Path(__file__).with_name("app.py")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8501


def streamlit_command(
    db: Path | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT
) -> tuple[list[str], dict[str, str]]:
    """The argv and environment that serve the dashboard over `db` on host:port: headless,
    no usage statistics, no file watcher, the warehouse path in ROCKETMART_DB.

    Raises WarehouseError when the warehouse file does not exist."""
    path = resolve_db(db)
    if not path.is_file():
        raise WarehouseError(f"no warehouse at {path}: run `rocketmart build` first")
    if not 0 < port < 65536:
        raise WarehouseError(f"invalid port {port} (1-65535)")
    argv = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "viewer",
        "--theme.base",
        "light",
    ]
    env = {
        **os.environ,
        "ROCKETMART_DB": str(path.resolve()),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    return argv, env


def serve(db: Path | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Replace this process with the Streamlit server (Ctrl-C stops it)."""
    argv, env = streamlit_command(db, host, port)
    os.execve(argv[0], argv, env)
