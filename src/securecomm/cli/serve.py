"""``securecomm serve``: the REST API and the officers' console with uvicorn.

In development, the console's demonstration data — synthetic users for every role and synthetic
cases — is seeded into an empty database (no agency, no console user yet); ``--no-demo-data``
skips it.
"""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from securecomm.api.app import create_app
from securecomm.cli.output import console, user_errors
from securecomm.config import Settings


@user_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo_data: Annotated[
        bool, typer.Option(help="Seed the console's synthetic demo data (development only).")
    ] = True,
) -> None:
    """Serve the REST API (OpenAPI schema at /docs) and the console (at /console)."""
    from securecomm import web
    from securecomm.synthetic.accounts import DEMO_PASSWORD
    from securecomm.web.demo import DEMO_USERS, has_demo_accounts, seed_demo

    settings = Settings.from_env()
    app = create_app(settings)
    console_context = web.mount(app, settings)
    if demo_data and settings.environment == "development":
        with console.status("seeding the console's synthetic demo data…"):
            seeded = seed_demo(console_context)
        console.print(
            "demo data seeded (synthetic)."
            if seeded
            else "the database already holds data: no demo data added."
        )
        if has_demo_accounts(console_context):
            console.print(
                f"synthetic demo accounts: {', '.join(u.username for u in DEMO_USERS)}; "
                f"password {DEMO_PASSWORD!r}"
            )
    console.print(f"console: http://{host}:{port}/console/")
    uvicorn.run(app, host=host, port=port, log_level="info")
