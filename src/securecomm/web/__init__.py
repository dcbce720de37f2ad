"""securecomm.web — the officers' and program managers' console (server-rendered pages).

    app = securecomm.api.create_app(settings)
    securecomm.web.mount(app, settings)        # pages under /console

Roles and permissions are the enforcement layer's (``enforcement.roles``); every read of
personal data and every action goes through its services and is audited there.  See
``docs/web.md``.
"""

from securecomm.web.app import mount
from securecomm.web.prints import FingerPair, PrintStore

__all__ = ["FingerPair", "PrintStore", "mount"]
