"""Every tuning number and fixed address of the pipeline, in one place."""

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
#: How long the finished run of a scheduled kind (the expiry sweep's, say) is kept.
FINISHED_SCHEDULED_JOBS_KEPT_FOR = timedelta(days=7)
#: How long a worker's heartbeat stays fresh (``submit`` runs jobs itself when none is fresh).
WORKER_HEARTBEAT_TTL = timedelta(seconds=10)

#: A booking needs at least this many fingers with a usable template, or it gets an ERRT.
MIN_USABLE_FINGERS = 1
#: Candidates reported in an IDENT data response.
IDR_CANDIDATES = 5

#: The answering parties' ORIs: FBI CJIS (SRE/ERRT), DHS IDENT (IDR), the LESC (IAR).
CJIS_ORI = "WVIAFIS0Z"
IDENT_ORI = "DCDHS0000"
LESC_ORI = "VTICE0900"
#: Where a jail's notices go when it has no field office on record.
UNASSIGNED_FIELD_OFFICE = "DCICE0000"
#: The LESC as an outbox recipient (IAQs go there).
LESC_RECIPIENT = "LESC"
