"""Named, parameterised metric queries: `run(con, "overdue_rate", thresholds=[30])`.

Each metric is one .sql file in this folder (see registry.py). The runner fills defaults, checks
that exactly the file's parameters are bound, runs it on a fresh cursor and returns a DataFrame.
"""

from __future__ import annotations

from queries.runner import QueryError, as_of_of, lookup, resolve_params, run

__all__ = ["QueryError", "as_of_of", "lookup", "resolve_params", "run"]
