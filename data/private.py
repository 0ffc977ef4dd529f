"""Files that hold entries are readable by their owner only: 0600 files in 0700 folders.

Modes are given when a file or folder is created (os.open, os.mkdir), never by changing the
process umask, which every thread of the dashboard shares. SQLite gives a database's -wal, -shm
and -journal files the database file's own mode, so a database created here stays private with
its write-ahead log.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Final

FILE_MODE: Final = 0o600
FOLDER_MODE: Final = 0o700


def private_folder(folder: Path) -> Path:
    """Create `folder` and any missing parents as 0700 folders; existing ones are left alone."""
    folder = Path(folder)
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another process
            path.mkdir(mode=FOLDER_MODE)
    return folder


def create_private_file(path: Path) -> bool:
    """Create `path` empty with mode 0600 (and its folder 0700) unless it exists; True if created.

    An empty file is a valid, empty SQLite database, so SQLite opens it instead of creating one
    with the default mode.
    """
    path = Path(path)
    private_folder(path.parent)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    os.close(handle)
    return True


def tighten(path: Path) -> bool:
    """Make an existing file of ours (and its -wal, -shm, -journal) 0600; True if any changed.

    A database made by an older Tightrope, or copied in, may be readable by every user.
    Files owned by someone else are left alone (only their owner may change them).
    """
    changed = False
    for file in (Path(path), *(Path(f"{path}{end}") for end in ("-wal", "-shm", "-journal"))):
        try:
            info = file.stat()
        except FileNotFoundError:
            continue
        if info.st_uid == os.geteuid() and info.st_mode & 0o077:
            file.chmod(FILE_MODE)
            changed = True
    return changed


def write_private(path: Path, data: bytes) -> Path:
    """Write `data` to `path` whole or not at all, readable by its owner only; return `path`.

    The bytes go to a new 0600 file beside it (mkstemp) that then replaces `path` in one step,
    so a half-written file is never left behind.
    """
    path = Path(path)
    private_folder(path.parent)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
