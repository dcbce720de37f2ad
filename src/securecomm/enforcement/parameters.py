"""Every tuning constant of case work, in one place."""

from __future__ import annotations

from datetime import timedelta

#: Version of the transition table and its guards; recorded in every transition's audit entry.
LIFECYCLE_VERSION = "case-lifecycle-v1"

#: A detainer asks the jail to hold the person no longer than this after release eligibility.
DETAINER_HOLD = timedelta(hours=48)

#: Paired minutiae the examiner's view must show before an officer may confirm a match.  The
#: historical 12-point standard is used as a floor, not as proof: the officer still decides.
MIN_PAIRED_MINUTIAE = 12

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
