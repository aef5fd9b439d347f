"""dbt as a child process the command line can stop, and one build per checkout at a time."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from customer_intelligence.settings import ConfigurationError

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# dbt cancels its running query on SIGINT within seconds; what is still running after this is
# killed, so a scheduler's timeout never leaves a build writing exports
GRACE_SECONDS = 30
LOCK_FILE = ".customer-intel-build.lock"


def run_until_stopped(command: list[str], keep_fds: tuple[int, ...] = ()) -> int:
    """Runs `command` in its own process group and returns its exit code. SIGINT or SIGTERM to
    this process is passed to the whole group; then this returns 128 + the signal only once no
    process of the group remains, killing what is left after GRACE_SECONDS."""
    received: list[int] = []
    group: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        received.append(signum)
        if group:
            _signal_group(group[0], signum)

    previous = {signum: signal.signal(signum, forward) for signum in STOP_SIGNALS}
    try:
        # start_new_session: a terminal's Ctrl-C reaches this process only, which forwards it
        child = subprocess.Popen(command, start_new_session=True, pass_fds=keep_fds)
        group.append(child.pid)
        if received:
            _signal_group(child.pid, received[0])
        exit_code = child.wait()
        if not received:
            return exit_code
        _end_group(child.pid, started=time.monotonic())
        return 128 + received[0]
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _signal_group(group_id: int, signum: int) -> bool:
    """Sends `signum` to the group; False when no process of it remains."""
    try:
        os.killpg(group_id, signum)
    except ProcessLookupError:
        return False
    return True


def _end_group(group_id: int, started: float) -> None:
    """Waits for the group's other processes to end, killing them after the grace period."""
    while _signal_group(group_id, 0):
        if time.monotonic() - started > GRACE_SECONDS:
            _signal_group(group_id, signal.SIGKILL)
        time.sleep(0.1)


@contextlib.contextmanager
def checkout_lock(project: Path) -> Iterator[int]:
    """Holds the checkout's build lock; yields its file descriptor, which the dbt child keeps
    open so that the lock lasts as long as the build, even if this process is killed."""
    target = project / "target"
    target.mkdir(exist_ok=True)
    path = target / LOCK_FILE
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 200, 0).decode(errors="replace").strip()
            raise ConfigurationError(
                "another `customer-intel build` of this checkout is running"
                f" ({holder or 'PID unknown'}; lock {path}). Builds of one checkout share"
                f" {target}/ (manifest and run results, which mf, dbt retry and dbt docs read),"
                " even on different databases. Wait for it to finish or stop it; to build two"
                " databases at once, use two checkouts."
            ) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"PID {os.getpid()}, started {time.strftime('%H:%M:%S')}".encode(), 0)
        yield descriptor
    finally:
        os.close(descriptor)
