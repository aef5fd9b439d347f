"""The command line passes dbt's own flags through and refuses unknown ones elsewhere."""

from __future__ import annotations

import pytest

from customer_intelligence import cli


def test_build_passes_dbt_flags_through(monkeypatch, tmp_path):
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "db.duckdb"))
    monkeypatch.setenv("EXPORT_DIR", str(tmp_path / "exports"))
    calls = []
    monkeypatch.setattr(
        cli, "run_until_stopped", lambda command, keep_fds: calls.append(command[1:6]) or 0
    )

    assert cli.main(["build", "--select", "dim_customers", "--vars", "{a: 1}"]) == 0
    assert calls == [["build", "--select", "dim_customers", "--vars", "{a: 1}"]]
    assert (tmp_path / "exports").is_dir()


def test_unknown_flags_of_other_commands_are_refused(capsys):
    with pytest.raises(SystemExit):
        cli.main(["summary", "--select", "x"])
    assert "unrecognized arguments: --select x" in capsys.readouterr().err


def test_summary_without_a_database_says_how_to_make_one(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "missing.duckdb"))
    assert cli.main(["summary"]) == 2
    assert "make demo" in capsys.readouterr().err


def test_generate_writes_every_raw_table(tmp_path, capsys):
    assert cli.main(["generate", "--customers", "50", "--out", str(tmp_path / "raw")]) == 0
    written = sorted(path.name for path in (tmp_path / "raw").glob("raw_*.csv"))
    assert len(written) == 8
    assert "raw_customers" in capsys.readouterr().out
