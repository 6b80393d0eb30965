"""The analysts' command line (shared/spec/CLI.md): python -m ledger import|export|metrics|rejects.

Exit codes: 0 when the import (or export) was done, 2 when it was refused or failed — nothing
changed then. Errors are one line on stderr, never a traceback; the traceback of an unexpected
error goes to `<db>.import-error.log` beside the database (or to stderr with LEDGER_DEBUG=1).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
import traceback
from datetime import date
from pathlib import Path
from typing import Any

from ledger.db import DEFAULT_DB

EXIT_OK = 0
EXIT_REFUSED = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line and exits 2 (refused)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_REFUSED)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; expected YYYY-MM-DD") from None


def _pair(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=VALUE")
    name, value = text.split("=", 1)
    if not name:
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=VALUE")
    return name, value


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m ledger", description="Import ledger exports; export metrics.")
    sub = p.add_subparsers(dest="verb", required=True, parser_class=_Parser)

    imp = sub.add_parser("import", help="import export files or folders into the database")
    imp.add_argument("paths", nargs="*", metavar="PATH")
    imp.add_argument(
        "--from-db",
        nargs="?",
        const="",
        metavar="URL",
        help="read the tables from a database (SQLAlchemy URL without the password; "
        "else LEDGER_DB_URL or --secrets); password from LEDGER_DB_PASSWORD or PGPASSWORD",
    )
    imp.add_argument("--secrets", metavar="FILE", help="TOML file with url = ... (--from-db)")
    imp.add_argument(
        "--since", type=_date, help="--from-db: only rows changed since this date (YYYY-MM-DD)"
    )
    imp.add_argument("--db", default=str(DEFAULT_DB), help=f"database file ({DEFAULT_DB})")
    imp.add_argument("--mapping", help="mapping file (TOML) for another system's export")
    imp.add_argument("--as-of", type=_date, help="the data's as-of date (YYYY-MM-DD)")
    imp.add_argument("--json", action="store_true", help="print the report as one JSON object")

    exp = sub.add_parser("export", help="write a metric's table as CSV or xlsx")
    exp.add_argument("metric")
    exp.add_argument("--db", default=str(DEFAULT_DB))
    exp.add_argument("--as-of", type=_date)
    exp.add_argument("--param", type=_pair, action="append", default=[], metavar="NAME=VALUE")
    exp.add_argument("--filter", type=_pair, action="append", default=[], metavar="COLUMN=VALUE")
    exp.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    exp.add_argument("--out")

    sub.add_parser("metrics", help="every metric with its parameters and output columns")

    rej = sub.add_parser("rejects", help="the rejected rows of the last import, as CSV")
    rej.add_argument("--db", default=str(DEFAULT_DB))
    rej.add_argument("--out", help="write to this file instead of stdout")
    return p


def _progress_bar() -> tuple[Any, Any]:
    """A tqdm bar on stderr that appears only after 2 s, and only on a terminal."""
    if not sys.stderr.isatty():
        return None, None
    from tqdm import tqdm

    bar = tqdm(
        total=1000,
        delay=2,
        file=sys.stderr,
        unit="‰",
        leave=False,
        bar_format="{desc:<40.40} {percentage:3.0f}%|{bar}| {elapsed}",
    )

    def update(fraction: float, message: str) -> None:
        bar.set_description_str(message, refresh=False)
        bar.update(max(0, int(fraction * 1000) - bar.n))

    return bar, update


def _usage_error(message: str) -> int:
    print(f"python -m ledger import: error: {message}", file=sys.stderr)
    return EXIT_REFUSED


def cmd_import(args: argparse.Namespace) -> int:
    from ledger.errors import ImportRefused
    from ledger.importer import import_paths

    from_db = args.from_db is not None or bool(args.secrets)
    if from_db and args.paths:
        return _usage_error("give export PATHs or --from-db, not both")
    if not from_db and not args.paths:
        return _usage_error("the following arguments are required: PATH (or --from-db)")
    if args.since and not from_db:
        return _usage_error("--since works with --from-db only")
    bar, update = _progress_bar()
    try:
        if from_db:
            from ledger.from_db import import_from_db, resolve_url

            url = resolve_url(args.from_db, args.secrets)
            report = import_from_db(
                url,
                args.db,
                mapping=args.mapping,
                as_of=args.as_of,
                since=args.since,
                progress=update,
            )
        else:
            report = import_paths(
                args.paths, args.db, mapping=args.mapping, as_of=args.as_of, progress=update
            )
    except ImportRefused as exc:
        if bar is not None:
            bar.close()
        print(f"import refused: {exc.message}", file=sys.stderr)
        if args.json:
            print(
                json.dumps(
                    {
                        "status": "refused",
                        "error": exc.message,
                        "db": args.db,
                        "tables": {},
                        "rejects": {},
                    },
                    ensure_ascii=False,
                )
            )
        return EXIT_REFUSED
    finally:
        if bar is not None:
            bar.close()
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, default=str))
    else:
        print(report.render())
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from ledger.db import connect

    db = Path(args.db)
    if not db.is_file():
        print(
            f"export refused: {db}: no such database; expected a database made by "
            "`python -m ledger import`",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    from ledger.derive import derivation_current
    from queries.export import export_metric

    con = connect(db, read_only=True)
    current = derivation_current(con)
    con.close()
    if not current:  # built by an older version of this code: derive it again, as the app does
        from ledger.importer import rederive

        print(f"{db}: derived by an older version; deriving it again first", file=sys.stderr)
        rederive(db)
    con = connect(db, read_only=True)
    try:
        export_metric(
            con,
            args.metric,
            as_of=args.as_of,
            params=dict(args.param),
            filters=list(args.filter),
            fmt=args.format,
            out=args.out,
        )
    finally:
        con.close()
    return EXIT_OK


def cmd_metrics(args: argparse.Namespace) -> int:
    from queries.registry import describe_metrics

    print(describe_metrics())
    return EXIT_OK


def cmd_rejects(args: argparse.Namespace) -> int:
    from ledger.db import connect

    db = Path(args.db)
    if not db.is_file():
        print(
            f"rejects: {db}: no such database; expected a database made by "
            "`python -m ledger import`",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    con = connect(db, read_only=True)
    try:
        rows = con.execute(
            "SELECT import_id, table_name, file, line, split_part(reason, ':', 1), reason, "
            "original_text FROM rejects ORDER BY table_name, file, line"
        ).fetchall()
    finally:
        con.close()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["import_id", "table", "file", "line", "reason_code", "reason", "original_text"])
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8-sig")
    if args.out:
        Path(args.out).write_bytes(data)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return EXIT_OK


COMMANDS = {
    "import": cmd_import,
    "export": cmd_export,
    "metrics": cmd_metrics,
    "rejects": cmd_rejects,
}


def _log_path(args: argparse.Namespace) -> Path | None:
    db = getattr(args, "db", None)
    if not db:
        return None
    p = Path(db)
    return p.with_name(p.name + ".error.log")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.verb](args)
    except KeyboardInterrupt:
        print(f"{args.verb}: interrupted; nothing changed", file=sys.stderr)
        return EXIT_REFUSED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the promise: one clear line, exit 2, never a traceback
        text = str(exc).strip().splitlines()
        first = text[0][:300] if text else type(exc).__name__
        where = ""
        if os.environ.get("LEDGER_DEBUG") == "1":
            traceback.print_exc()
        else:
            log = _log_path(args)
            if log is not None:
                try:
                    log.parent.mkdir(parents=True, exist_ok=True)
                    with log.open("a", encoding="utf-8") as fh:
                        fh.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} {sys.argv}\n")
                        fh.write(traceback.format_exc())
                    where = f" (details in {log})"
                except OSError:
                    where = " (set LEDGER_DEBUG=1 for details)"
        print(f"{args.verb} failed: {type(exc).__name__}: {first}{where}", file=sys.stderr)
        if args.verb == "import" and getattr(args, "json", False):
            print(
                json.dumps(
                    {
                        "status": "failed",
                        "error": f"{type(exc).__name__}: {first}",
                        "db": args.db,
                        "tables": {},
                        "rejects": {},
                    },
                    ensure_ascii=False,
                )
            )
        return EXIT_REFUSED
