"""Allow `python -m backcare_tray`."""

from backcare_tray.cli import main

raise SystemExit(main())
