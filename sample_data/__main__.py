"""`python -m sample_data` is `python -m sample_data.generate`."""

from sample_data.generate import main

raise SystemExit(main())
