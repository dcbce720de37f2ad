"""securecomm.cli — the ``securecomm`` command (Typer + Rich)."""
