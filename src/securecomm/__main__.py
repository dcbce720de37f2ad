"""``python -m securecomm …``: the same command as ``securecomm …``."""

from securecomm.cli.main import main

main()
