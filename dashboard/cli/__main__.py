"""`python -m dashboard.cli`: the same as the `tightrope` command."""

from dashboard.cli import main

raise SystemExit(main())
