"""``python -m gridcommand.desktop`` runs the command line."""

import sys

from gridcommand.desktop.cli import main

sys.exit(main())
