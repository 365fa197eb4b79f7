"""`python -m dialer.tray`: the same as the `dialer-tray` command."""

from dialer.tray.app import main

raise SystemExit(main())
