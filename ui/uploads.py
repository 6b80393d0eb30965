"""Uploaded exports onto disk for the importer: plain files as they are, zips unpacked safely.

No Streamlit here (the page hands over the uploaded files): a zip member may not escape the
target folder (absolute paths, '..', links are refused), and the unpacked size is capped so that a
zip bomb cannot fill the disk.
"""

from __future__ import annotations

import json
import stat
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol

import pandas as pd

ACCEPTED = ("csv", "txt", "xlsx", "xls", "parquet", "zip")
MAX_UNPACKED_BYTES = 20 * 1024**3  # 20 GiB: far above a real export, far below a full disk


class UnsafeUpload(ValueError):
    """An upload that cannot be saved as given (the message is for the user)."""


class Upload(Protocol):
    """What st.file_uploader returns per file (a name and a readable buffer)."""

    name: str

    def getbuffer(self) -> memoryview: ...


def _safe_name(name: str) -> str:
    """The last part of an uploaded file's name; browsers send a bare name, but do not trust it."""
    base = PurePosixPath(name.replace("\\", "/")).name
    if base in ("", ".", ".."):
        raise UnsafeUpload(f"{name!r}: not a file name")
    return base


def _member_name(info: zipfile.ZipInfo) -> str:
    """Names in zips made on Chinese Windows are GBK without the UTF-8 flag: decode them as such."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def _member_path(root: Path, info: zipfile.ZipInfo) -> Path | None:
    """Where a zip member goes under root, None for a folder or clutter; refuses escapes."""
    name = _member_name(info).replace("\\", "/")
    parts = PurePosixPath(name).parts
    if info.is_dir() or not parts:
        return None
    if name.startswith("/") or ".." in parts or ":" in parts[0]:
        raise UnsafeUpload(f"{info.filename}: a path outside the archive is not allowed")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UnsafeUpload(f"{info.filename}: links inside an archive are not allowed")
    if parts[0] == "__MACOSX" or parts[-1].startswith("."):
        return None
    target = (root / Path(*parts)).resolve()
    if not target.is_relative_to(root.resolve()):
        raise UnsafeUpload(f"{info.filename}: a path outside the archive is not allowed")
    return target


def unpack_zip(
    source: Path | BinaryIO, root: Path, *, limit: int = MAX_UNPACKED_BYTES
) -> list[Path]:
    """Unpack a zip under root, safely; returns the files written."""
    written: list[Path] = []
    with zipfile.ZipFile(source) as archive:
        members = archive.infolist()
        if sum(m.file_size for m in members) > limit:
            raise UnsafeUpload(
                f"the archive unpacks to more than {limit / 1024**3:.0f} GiB; upload its files"
            )
        for info in members:
            target = _member_path(root, info)
            if target is None:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, open(target, "wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            written.append(target)
    return written


def save_uploads(files: Iterable[Upload], folder: Path) -> list[Path]:
    """Write uploaded files into folder (zips unpacked, each into its own sub-folder); returns
    the files to import, in name order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for upload in files:
        name = _safe_name(upload.name)
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix not in ACCEPTED:
            raise UnsafeUpload(f"{name}: expected one of {', '.join(ACCEPTED)}")
        target = folder / name
        target.write_bytes(upload.getbuffer())
        if suffix == "zip":
            inner = folder / (name[: -len(".zip")] + "_unzipped")
            paths += unpack_zip(target, inner)
            target.unlink()
        else:
            paths.append(target)
    return sorted(paths)


def report_tables(report: str | None) -> pd.DataFrame:
    """The import report's per-table counts (read, loaded, rejected) as a table; empty when the
    report is missing or has none. Reads what is there and keeps the report's own names."""
    columns = ["table_name", "read", "loaded", "rejected"]
    if not report:
        return pd.DataFrame(columns=columns)
    try:
        parsed = json.loads(report)
    except (TypeError, ValueError):
        return pd.DataFrame(columns=columns)
    tables = parsed.get("tables") if isinstance(parsed, dict) else None
    rows = []
    if isinstance(tables, dict):
        for name, facts in tables.items():
            if isinstance(facts, dict):
                rows.append({"table_name": name, **{c: facts.get(c) for c in columns[1:]}})
    elif isinstance(tables, list):
        for facts in tables:
            if isinstance(facts, dict):
                rows.append({c: facts.get(c) for c in columns})
    return pd.DataFrame(rows, columns=columns)


def report_files(report: str | None) -> pd.DataFrame:
    """The import report's per-file facts (table, format, encoding, rows, personal data dropped
    or hashed, columns ignored); empty when the report has none."""
    columns = [
        "file",
        "table",
        "format",
        "encoding",
        "read",
        "loaded",
        "rejected",
        "pii_dropped",
        "pii_hashed",
        "ignored",
    ]
    try:
        parsed = json.loads(report) if report else {}
    except (TypeError, ValueError):
        parsed = {}
    files = parsed.get("files") if isinstance(parsed, dict) else None
    rows = []
    for facts in files if isinstance(files, list) else []:
        if isinstance(facts, dict):
            row = {c: facts.get(c) for c in columns}
            for c in ("pii_dropped", "pii_hashed", "ignored"):
                if isinstance(row[c], list):
                    row[c] = ", ".join(str(v) for v in row[c])
            row["file"] = PurePosixPath(str(row["file"]).replace("\\", "/")).name
            rows.append(row)
    return pd.DataFrame(rows, columns=columns)
