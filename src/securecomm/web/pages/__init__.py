"""The console's pages, one module per group; ``ROUTERS`` lists them for ``mount``."""
