"""securecomm.interop — the booking pipeline: submissions, searches, responses, jobs, outbox."""
