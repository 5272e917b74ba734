"""The two consoles the command prints to: results on stdout, errors on stderr."""

from __future__ import annotations

from rich.console import Console

out = Console()
err = Console(stderr=True)
