"""Every tuning constant of case work, in one place."""

from __future__ import annotations

from datetime import timedelta

#: Version of the transition table and its guards; recorded in every transition's audit entry.
LIFECYCLE_VERSION = "case-lifecycle-v1"

#: A detainer asks the jail to hold the person no longer than this after release eligibility.
DETAINER_HOLD = timedelta(hours=48)

#: An interview may be recorded as conducted at most this long before its scheduled time (the
#: jail brings the person when it can); earlier than that the record would contradict the
#: schedule, so it is refused with what to do instead.
INTERVIEW_EARLY_TOLERANCE = timedelta(hours=1)

#: A citizenship review open this long is overdue: listed so on the review queues, and the
#: supervisor and counsel who have not recorded a finding are reminded.
REVIEW_OVERDUE_AFTER = timedelta(hours=72)
#: A detainer that holds the person and expires sooner than this is urgent: listed so, and its
#: field office is reminded to take custody or lift it.
DETAINER_URGENT_WITHIN = timedelta(hours=12)
#: A scheduled interview not recorded this long after its time is reported to its officer.
INTERVIEW_MISSED_AFTER = timedelta(hours=2)
#: How often the worker looks for deadlines to remind of (a reminder is at most this late).
REMINDER_SWEEP_EVERY = timedelta(minutes=5)

#: Fewest paired minutiae the examiner's view must show for an officer to confirm a match.  This
#: is not a point standard (DESIGN.md §5.2: the officer decides on the side-by-side prints with
#: the paired minutiae); it only makes sure there is a paired-minutiae view to decide on.  The
#: comparator's LSS-R score is the mean of its best n_P pairs, with n_P between min_NP = 4 and
#: max_NP = 12 (``afis/matching/parameters.py``), so it reports at most 12 pairs and, for two
#: prints with enough minutiae, at least 4: a floor of 12 could only be met at the cap (FVC
#: finger 101: score 36 on 5 pairs could never be confirmed).  A view with fewer than 4 pairs
#: is one the comparator did not build a comparison for.
MIN_PAIRED_MINUTIAE_SHOWN = 4

#: Fewest fingers an officer must confirm, finger by finger on the examiner's view, to verify a
#: match, when the decision is given per finger (``verification.verify_identity``): and no
#: finger may be "not confirmed" (a finger that disagrees is a reason to reject, not to
#: outvote).  Two, because one finger alone is what a search's false match rests on; a view
#: with fewer fingers on both sides cannot be verified on it (reject, or ask for the booking's
#: full ten-print).  Inconclusive fingers (a poor or partial print) neither count nor refuse.
MIN_CONFIRMED_FINGERS = 2

#: Notice languages shipped with the package (``templates/notice_<lang>.txt``); more can be
#: added from a directory given to ``documents.NoticeCatalog``.
DEFAULT_NOTICE_LANGUAGES = ("en", "es")

#: Case numbers: prefix, then year and a zero-padded sequence.
CASE_NUMBER_PREFIX = "SC"

#: Statute for reentry after removal referrals.
REENTRY_STATUTE = "8 U.S.C. 1326"

#: Rapid REPAT: convictions at or above this sentence count as serious felonies.
REPAT_SERIOUS_FELONY_MIN_SENTENCE_DAYS = 365 * 5

#: How often ``CaseWork.call`` re-runs a transaction that lost a race to append to the audit
#: chain (each retry waits a few milliseconds more).
AUDIT_CONFLICT_RETRIES = 20
