"""securecomm.web — the officers' and program managers' console (server-rendered pages)."""
