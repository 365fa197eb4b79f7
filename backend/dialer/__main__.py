"""`python -m dialer` runs the same CLI as the `dialer` console script."""

from dialer.cli import main

raise SystemExit(main())
