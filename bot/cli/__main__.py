"""`python -m bot.cli`: the same as the installed `tscp-bot` script."""

import sys

from bot.cli import entry

sys.exit(entry())
