"""CLI tests for ``rocketmart generate`` (and the app-level --help/--version)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rocketmart import __version__
from rocketmart.cli import app

runner = CliRunner()


def test_help_lists_generate():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "generate" in result.output


def test_no_args_shows_help():
    result = runner.invoke(app, [])
    assert "generate" in result.output
    assert "Usage" in result.output


def test_generate_help():
    result = runner.invoke(app, ["generate", "--help"])
    assert result.exit_code == 0
    for option in ("--out", "--visitors", "--seed", "--with-properties", "--bad-rows"):
        assert option in result.output


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"rocketmart {__version__}"


def test_generate_writes_files(tmp_path):
    out = tmp_path / "raw"
    result = runner.invoke(
        app,
        [
            "generate",
            "--out",
            str(out),
            "--visitors",
            "500",
            "--seed",
            "3",
            "--with-properties",
            "--bad-rows",
            "5",
        ],
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "category_tree.csv",
        "events.csv",
        "generator_manifest.json",
        "item_properties_part1.csv",
        "item_properties_part2.csv",
    ]
    summary = result.output.strip()
    assert len(summary.splitlines()) == 1
    assert "events.csv" in summary and "rows" in summary
    manifest = json.loads((out / "generator_manifest.json").read_text())
    assert manifest["args"] == {
        "visitors": 500,
        "seed": 3,
        "with_properties": True,
        "bad_rows": 5,
    }
    assert all(v == 1 for v in manifest["bad_rows"].values())


def test_generate_defaults_without_properties(tmp_path):
    result = runner.invoke(app, ["generate", "--out", str(tmp_path), "--visitors", "50"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "generator_manifest.json").read_text())
    assert manifest["args"] == {
        "visitors": 50,
        "seed": 42,
        "with_properties": False,
        "bad_rows": 0,
    }
    assert not list(tmp_path.glob("item_properties_part*.csv"))


@pytest.mark.parametrize(
    "args",
    [
        ["--visitors", "0"],
        ["--visitors", "-5"],
        ["--bad-rows", "-1"],
        ["--visitors", "many"],
    ],
)
def test_invalid_numbers_rejected(tmp_path, args):
    result = runner.invoke(app, ["generate", "--out", str(tmp_path / "x"), *args])
    assert result.exit_code != 0
    assert not (tmp_path / "x").exists()


def test_out_is_required():
    result = runner.invoke(app, ["generate", "--visitors", "10"])
    assert result.exit_code != 0


def test_out_is_existing_file(tmp_path):
    target = tmp_path / "events.csv"
    target.write_text("not a directory\n")
    result = runner.invoke(app, ["generate", "--out", str(target), "--visitors", "10"])
    assert result.exit_code == 1
    err = result.stderr.strip()
    assert err.startswith("Error: ")
    assert len(err.splitlines()) == 1
    assert "Traceback" not in result.output
    assert target.read_text() == "not a directory\n"


def test_out_below_a_file(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["generate", "--out", str(blocker / "sub"), "--visitors", "10"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_unwritable_output_gives_one_line_error(tmp_path, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("rocketmart.generator._write_csv", refuse)
    result = runner.invoke(app, ["generate", "--out", str(tmp_path / "o"), "--visitors", "10"])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: cannot write to {tmp_path / 'o'}: Permission denied"
    assert not [p for p in (tmp_path / "o").iterdir()]  # no partial or temporary files
