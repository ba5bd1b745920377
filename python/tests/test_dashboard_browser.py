"""The dashboard in a real browser: `rocketmart dashboard` on a free 127.0.0.1 port, every
page loaded in Debian's headless chromium (driven by playwright with the system browser,
never a downloaded one), no error element, the overview showing the funnel's visitor
counts. Screenshots go to ROCKETMART_TEST_DIR/screenshots/ (the README's come from here).

Needs the generated warehouse from `make test-dbt` and /usr/bin/chromium (`.ci/run`
installs it); skipped without them, except under CI where a missing browser fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

TEST_DIR = Path(os.environ.get("ROCKETMART_TEST_DIR", "build/test"))
WAREHOUSE = TEST_DIR / "generated.duckdb"
SCREENSHOTS = TEST_DIR / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# url path -> the page's title (its h1)
PAGES = {
    "": "Overview",
    "products": "Products",
    "customers": "Customers",
    "recommendations": "Recommendations",
    "predictions": "Predictions",
    "campaigns": "Campaigns",
    "data_quality": "Data quality",
}

if not WAREHOUSE.exists():
    pytest.skip("generated warehouse not built (run make test-dbt)", allow_module_level=True)
if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} missing in CI: .ci/run should install chromium")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)
playwright_sync = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dashboard exited with {proc.returncode} before serving")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"dashboard not healthy at {url} after {timeout}s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`rocketmart dashboard` in its own process group; always stopped afterwards."""
    port = _free_port()
    log = tmp_path_factory.mktemp("dashboard") / "server.log"
    cli = Path(sys.executable).with_name("rocketmart")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(cli), "dashboard", "--db", str(WAREHOUSE), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        assert proc.returncode is not None


@pytest.fixture(scope="module")
def browser_page():
    with playwright_sync.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            yield page
        finally:
            browser.close()


def _load(page, url: str, title: str) -> None:
    """Open `url` and wait until the script finished and the charts are drawn."""
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=30_000)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000
    )
    page.wait_for_load_state("networkidle")
    # plotly draws after the script finished; every chart container ends up with an svg
    page.wait_for_function(
        "() => [...document.querySelectorAll('.stPlotlyChart')]"
        ".every(c => c.querySelector('.main-svg'))",
        timeout=30_000,
    )
    page.wait_for_timeout(500)


def _screenshot(page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main container, not the document, so
    the viewport is stretched to the content's height first."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1440, "height": min(max(height, 900), 6000)})
    page.wait_for_timeout(700)  # plotly re-lays out on resize
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1440, "height": 1000})


@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_without_error(server, browser_page, path):
    title = PAGES[path]
    _load(browser_page, f"{server}/{path}", title)
    assert browser_page.locator('[data-testid="stException"]').count() == 0
    errors = browser_page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, errors.all_inner_texts()
    _screenshot(browser_page, SCREENSHOTS / f"{title.lower().replace(' ', '_')}.png")

    if path == "":
        with duckdb.connect(str(WAREHOUSE), read_only=True) as con:
            counts = [n for (n,) in con.execute("select n_visitors from marts.funnel").fetchall()]
        html = browser_page.content()
        for n in counts:
            assert f"{n:,} visitors" in html, f"funnel count {n:,} not shown"
