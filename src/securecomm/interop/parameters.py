"""Every tuning number of the pipeline machinery, in one place."""

from __future__ import annotations

from datetime import timedelta

#: How long a claimed job belongs to its worker; after that another worker may take it.
JOB_LEASE = timedelta(seconds=60)
#: Attempts before a job is parked as failed (a system fault, shown to operators).
JOB_MAX_ATTEMPTS = 8
#: Retry back-off: BASE × 2^(attempt-1), capped.
RETRY_BASE = timedelta(seconds=1)
RETRY_CAP = timedelta(minutes=5)
#: How long an idle worker sleeps between polls of the jobs table.
WORKER_POLL_SECONDS = 0.2
#: How long a worker's heartbeat stays fresh (``submit`` runs jobs itself when none is fresh).
WORKER_HEARTBEAT_TTL = timedelta(seconds=10)
