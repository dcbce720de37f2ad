"""``securecomm serve``: the REST API and the officers' console with uvicorn.

It serves the home as it is: it never migrates (a home with no database, or one at an older
schema, is refused: run ``securecomm db upgrade``) and never seeds. The console's synthetic
demonstration data — the world's accounts, one per role, and five months of its field office's
cases — is seeded beforehand by ``securecomm world seed --history`` (``securecomm demo`` seeds
the world and books the demo's cast).
"""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn
from sqlalchemy import select

from securecomm.api.app import create_app
from securecomm.cli.output import console, user_errors
from securecomm.config import Settings


@user_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the REST API (OpenAPI schema at /docs) and the console (at /console)."""
    from securecomm import web
    from securecomm.synthetic import home as world_home
    from securecomm.synthetic.accounts import DEMO_PASSWORD
    from securecomm.web.models import ConsoleUser

    settings = Settings.from_env()
    app = create_app(settings)
    console_context = web.mount(app, settings)
    with console_context.unit() as session:
        has_accounts = session.scalar(select(ConsoleUser.id).limit(1)) is not None
    if world_home.load_state(settings) is not None:
        console.print(
            "this home holds the synthetic world: accounts "
            f"{', '.join(u.username for u in world_home.USERS)}; password {DEMO_PASSWORD!r}"
        )
    elif not has_accounts:
        console.print(
            "no console account in this home yet: `securecomm world seed --history` seeds the "
            "synthetic world's accounts and cases (into an empty home)"
        )
    console.print(f"console: http://{host}:{port}/console/")
    uvicorn.run(app, host=host, port=port, log_level="info")
