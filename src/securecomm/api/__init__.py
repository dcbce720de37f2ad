"""securecomm.api — the REST API (FastAPI): agencies submit bookings and read their answers."""

from securecomm.api.app import create_app

__all__ = ["create_app"]
