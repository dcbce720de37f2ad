"""``securecomm serve``: the REST API with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from securecomm.api.app import create_app
from securecomm.cli.output import user_errors
from securecomm.config import Settings


@user_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the REST API (submissions, responses, OpenAPI schema at /docs)."""
    uvicorn.run(create_app(Settings.from_env()), host=host, port=port, log_level="info")
