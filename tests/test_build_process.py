"""`customer-intel build` ends with its dbt build, and refuses a second build of one checkout."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from conftest import CLI, copy_project


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


def start_build(project: Path) -> subprocess.Popen:
    """A full build of `project`, returned once dbt has started building nodes."""
    build = subprocess.Popen(
        [CLI, "build"],
        cwd=project,
        env={
            **os.environ,
            "DUCKDB_PATH": str(project / "db.duckdb"),
            "EXPORT_DIR": str(project / "exports"),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in build.stdout:
        if " START " in line:
            return build
    pytest.fail(f"the build ended before it started a node: {build.communicate()[1][-2000:]}")


def dbt_processes(project: Path) -> list[int]:
    """The PIDs of dbt processes working on `project`, found by their command line."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            command_line = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        text = [part.decode(errors="replace") for part in command_line]
        if any(part.endswith("/dbt") for part in text) and str(project) in text:
            pids.append(int(entry.name))
    return pids


def test_sigterm_to_the_command_line_alone_ends_the_dbt_build(project):
    build = start_build(project)
    running = dbt_processes(project)
    assert running, "no dbt process found: the check below would pass vacuously"

    build.send_signal(signal.SIGTERM)
    _, errors = build.communicate(timeout=120)

    assert build.returncode == 128 + signal.SIGTERM
    assert dbt_processes(project) == []
    assert "build stopped by signal 15; dbt has ended" in errors
    assert not (project / "exports" / "crm" / "export.json").exists()


def test_a_second_build_of_the_checkout_is_refused_while_one_runs(project):
    first = start_build(project)
    try:
        second = subprocess.run(
            [CLI, "build"],
            cwd=project,
            env={**os.environ, "DUCKDB_PATH": str(project / "other.duckdb")},
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=120)

    assert second.returncode == 2
    assert f"another `customer-intel build` of this checkout is running (PID {first.pid}," in (
        second.stderr
    )
    assert "use two checkouts" in second.stderr
    assert first.returncode == 128 + signal.SIGINT
    assert dbt_processes(project) == []
