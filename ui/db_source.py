"""The Data page's import from a database: the URL and password of a form, made safe to use.

No Streamlit here (the page hands over what was typed). The password has its own field and is
only ever put into the SQLAlchemy URL object handed to ledger.from_db: never into the URL text,
the session's query parameters, the environment or a log, and every message that reaches the page
is scrubbed of it (ledger.from_db masks it in the URL and in the driver's text already; this
scrubs once more whatever else might carry it).

A URL typed with a password in it is refused, as on the command line: it would show on screen
and stay in the form. LEDGER_DB_URL (the command line's default) is the field's default, shown
without its password; its password, or LEDGER_DB_PASSWORD / PGPASSWORD, is used when the password
field is left empty, but only for that very server, user and database, so that the operator's
password is never sent to a server typed into the form by this module. (libpq, under psycopg,
reads PGPASSWORD and ~/.pgpass by itself for any server: keep them out of the app's environment.)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledger.errors import ImportRefused

if TYPE_CHECKING:
    from ledger.importer import ImportReport, Progress

ENV_URL = "LEDGER_DB_URL"
ENV_PASSWORDS = ("LEDGER_DB_PASSWORD", "PGPASSWORD")
EXAMPLE_URL = "postgresql+psycopg://user@host:5432/db"
_MIN_SCRUB = 3  # as ledger.from_db: shorter passwords would mangle every message


class UrlProblem(ValueError):
    """The typed URL cannot be used; `code` names the problem (a label), `shown` is the URL
    with any password masked."""

    def __init__(self, code: str, shown: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.shown = shown


class ImportFailed(RuntimeError):
    """An unexpected failure of the import; the message is already scrubbed of the password."""


def _parse(text: str) -> Any:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(text.strip())
    except (ArgumentError, ValueError):
        return None


def _target(url: Any) -> tuple[Any, ...]:
    return (url.drivername, url.username, url.host, url.port, url.database)


def _bare(url: Any) -> str:
    """The URL as text without its password (URL.set(password=None) would keep it)."""
    return url._replace(password=None).render_as_string(hide_password=False)


def default_url(env: Mapping[str, str] | None = None) -> str:
    """The URL field's default: LEDGER_DB_URL without its password, or ''."""
    env = os.environ if env is None else env
    url = _parse(env.get(ENV_URL, ""))
    if url is None or not env.get(ENV_URL, "").strip():
        return ""
    return _bare(url)


def without_password(text: str) -> str | None:
    """The typed URL with its password taken out, or None when it holds none (or is no URL)."""
    url = _parse(text)
    if url is None or not url.password:
        return None
    return _bare(url)


def masked(text: str) -> str:
    """The typed URL with any password shown as ***."""
    url = _parse(text)
    return url.render_as_string(hide_password=True) if url is not None else ""


def build_url(text: str, password: str = "", env: Mapping[str, str] | None = None) -> Any:
    """The SQLAlchemy URL to read from: the typed URL (which must hold no password) with the
    password field's value set into the URL object. Raises UrlProblem."""
    env = os.environ if env is None else env
    if not text.strip():
        raise UrlProblem("data_db_no_url")
    url = _parse(text)
    if url is None or not url.drivername:
        raise UrlProblem("data_db_not_a_url")
    if url.password:
        raise UrlProblem("data_db_password_in_url", url.render_as_string(hide_password=True))
    if password:
        return url.set(password=password)
    configured = _parse(env.get(ENV_URL, "")) if env.get(ENV_URL, "").strip() else None
    if configured is not None and _target(configured) == _target(url):
        fallback = configured.password or next((env[k] for k in ENV_PASSWORDS if env.get(k)), "")
        if fallback:
            return url.set(password=fallback)
    return url


def scrub(text: str, password: str | None) -> str:
    """`text` with the password replaced by ***."""
    if password and len(password) >= _MIN_SCRUB:
        text = text.replace(password, "***")
    return text


def save_mapping(name: str, content: bytes, folder: Path) -> Path:
    """An uploaded mapping file into folder (its bare name kept, for the messages)."""
    base = Path(name.replace("\\", "/")).name or "mapping.toml"
    if not base.lower().endswith(".toml"):
        base += ".toml"
    path = folder / base
    path.write_bytes(content)
    return path


def run_import(
    url: Any,
    db_path: str | Path,
    mapping: tuple[str, bytes] | None = None,
    as_of: date | None = None,
    since: date | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """ledger.from_db.import_from_db with an uploaded mapping (name, bytes). Raises
    ImportRefused (as worded by the importer) or ImportFailed; both scrubbed of the password."""
    from ledger.from_db import import_from_db

    password = url.password
    with tempfile.TemporaryDirectory(prefix="ledger_db_mapping_") as folder:
        try:
            path = save_mapping(*mapping, Path(folder)) if mapping else None
            return import_from_db(
                url, db_path, mapping=path, as_of=as_of, since=since, progress=progress
            )
        except ImportRefused as exc:
            message = scrub(exc.message, password).replace(f"{folder}/", "")
            raise ImportRefused(message) from None
        except Exception as exc:  # noqa: BLE001 - reported on the page, never with the password
            lines = str(exc).strip().splitlines()
            first = lines[0][:300] if lines else ""
            raise ImportFailed(scrub(f"{type(exc).__name__}: {first}", password)) from None
