"""securecomm.api — the REST API (FastAPI)."""
