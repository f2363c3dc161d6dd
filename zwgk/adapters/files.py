"""Files: the checks every file handed in passes before it is read, the one SHA-256 of a file or
of bytes, and writing files so that readers see the old one or the new one, never half."""

import hashlib
import os
import uuid
from pathlib import Path

from zwgk.core.errors import ImportRejected
from zwgk.core.settings import get_settings


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` as 64 hex digits, as the register, the audit log and uploads keep it."""
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks (a backup can be gigabytes)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_problem(path: Path) -> str | None:
    """Why ``path`` cannot be imported at all (missing, empty, over the size limit), or None."""
    if not path.is_file():
        return "文件不存在 (file not found)"
    size = path.stat().st_size
    if size == 0:
        return "文件为空 (empty file)"
    limit = get_settings().max_input_bytes
    if size > limit:
        return (f"文件大小 {size / 1048576:.1f} MB 超过上限 {limit / 1048576:.1f} MB，请拆分后导入，"
                f"或由管理员调整 ZWGK_MAX_INPUT_BYTES (file larger than the limit)")
    return None


def checked_input(path: Path) -> Path:
    """``path`` when it may be read; otherwise ImportRejected naming the file and why not."""
    why = input_problem(path)
    if why is not None:
        raise ImportRejected([f"{path.name}: {why}"])
    return path


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    move_into_place(write_temporary(path, data), path)


def write_temporary(path: Path, data: bytes) -> Path:
    """``data`` in a hidden temporary file next to ``path``, to be moved there once it may be seen."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        temp.write_bytes(data)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def move_into_place(temp: Path, path: Path) -> None:
    """Rename a temporary file to its name (atomic); the temporary file is gone either way."""
    try:
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
