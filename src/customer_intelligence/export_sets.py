"""The files a build publishes, as one set: a reader sees one build's complete set, never a mix.

Each build writes into its own folder and publishes by swapping one link:

    EXPORT_DIR/builds/<started>-<invocation_id>/marts/<model>.parquet, crm/..., build.json
    EXPORT_DIR/current -> builds/<the last published build>
    EXPORT_DIR/marts -> current/marts, EXPORT_DIR/crm -> current/crm   (the paths readers know)

A build that rebuilt only some marts carries the others over (hard links, so no copy) from the
newest folder holding them: that is the file of the mart's table as it is in the database, also
when the build that wrote it failed later or was killed. The CRM files are carried over from the
published set unless the build published new ones. The folder of the set published before is
kept, for readers still on it; older folders are removed.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

BUILDS = "builds"
CURRENT = "current"
READER_PATHS = ("marts", "crm")
MANIFEST = "build.json"
# sorts before every build folder: what an earlier version published straight into marts/, crm/
EARLIER_VERSION = "00000000T000000Z-earlier-version"


def build_folder(export_dir: Path, build: str) -> Path:
    return export_dir / BUILDS / build


def published_build(export_dir: Path) -> str | None:
    """The folder name of the set readers see now, if any."""
    current = export_dir / CURRENT
    return Path(os.readlink(current)).name if current.is_symlink() else None


def complete_set(export_dir: Path, build: str, marts: list[str], crm_published: bool) -> list[str]:
    """Fills the build's folder with the marts and CRM files this run did not write; returns the
    marts no earlier build wrote either (the caller exports those from the database)."""
    adopt_earlier_layout(export_dir)
    folder = build_folder(export_dir, build)
    earlier = [
        path
        for path in sorted((export_dir / BUILDS).iterdir(), reverse=True)
        if path.is_dir() and path.name < build
    ]
    missing = []
    for mart in marts:
        target = folder / "marts" / f"{mart}.parquet"
        if target.exists():
            continue
        source = next(
            (
                path / target.relative_to(folder)
                for path in earlier
                if (path / target.relative_to(folder)).is_file()
            ),
            None,
        )
        if source is None:
            missing.append(mart)
        else:
            _link(source, target)
    published = published_build(export_dir)
    if not crm_published and published is not None:
        for source in sorted((build_folder(export_dir, published) / "crm").glob("*")):
            _link(source, folder / "crm" / source.name)
    return missing


def publish(export_dir: Path, build: str, build_id: str) -> Path:
    """Makes the build's folder the set readers see, in one rename, and removes the sets no
    reader needs any more. Returns the published folder."""
    folder = build_folder(export_dir, build)
    for reader_path in READER_PATHS:
        (folder / reader_path).mkdir(parents=True, exist_ok=True)
    files = sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
    manifest = {
        "build_id": build_id,
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": [name for name in files if name != MANIFEST],
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    previous = published_build(export_dir)
    _replace_link(export_dir / CURRENT, Path(BUILDS) / build)
    for reader_path in READER_PATHS:
        _replace_link(export_dir / reader_path, Path(CURRENT) / reader_path)
    for path in (export_dir / BUILDS).iterdir():
        # a newer folder is a build still running; the previous set may still be being read
        if path.name < build and path.name != previous:
            shutil.rmtree(path, ignore_errors=True)
    return folder


def adopt_earlier_layout(export_dir: Path) -> None:
    """An earlier version wrote marts/ and crm/ as plain folders: they become the oldest build
    folder, so their files are carried over and the paths become links."""
    earlier = [export_dir / name for name in READER_PATHS]
    if not any(path.is_dir() and not path.is_symlink() for path in earlier):
        return
    folder = build_folder(export_dir, EARLIER_VERSION)
    folder.mkdir(parents=True, exist_ok=True)
    for path in earlier:
        if path.is_dir() and not path.is_symlink():
            path.rename(folder / path.name)
    if published_build(export_dir) is None:
        _replace_link(export_dir / CURRENT, Path(BUILDS) / EARLIER_VERSION)
    for reader_path in READER_PATHS:
        _replace_link(export_dir / reader_path, Path(CURRENT) / reader_path)


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copy2(source, target)


def _replace_link(path: Path, points_to: Path) -> None:
    """Points `path` at `points_to` (relative to path's folder) in one rename."""
    if path.is_symlink() and Path(os.readlink(path)) == points_to:
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(points_to, target_is_directory=True)
    os.replace(temporary, path)
