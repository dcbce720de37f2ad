"""The console under uvicorn on 127.0.0.1 for the browser tests, and signing in in a page."""

from __future__ import annotations

import threading
import time

import uvicorn
from web_support import PASSWORD, WebApp

from securecomm.synthetic.system_run import free_port


class LiveServer:
    def __init__(self, web: WebApp) -> None:
        self.web = web
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/console"
        config = uvicorn.Config(web.app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def signed_in_page(browser, live: LiveServer, username: str, width: int = 1400):
    """A new browser context at ``width`` px, signed in as ``username``."""
    context = browser.new_context(viewport={"width": width, "height": 1000})
    page = context.new_page()
    page.goto(live.url + "/sign-in")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page
