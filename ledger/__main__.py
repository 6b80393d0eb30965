"""`python -m ledger ...`: the command line of shared/spec/CLI.md (see ledger/cli.py)."""

import sys

from ledger.cli import main

sys.exit(main())
