"""Every tuning constant of the 1:N search, in one place (the SourceAFIS ``Parameters`` idea).

Units: pixels at 500 ppi, radians, bits. Changing a constant that shapes the stored codes
(``CODE_*``) changes the gallery format: :data:`CODE_LAYOUT_VERSION` must change with it, and
the gallery refuses to open files written with another layout.
"""

from __future__ import annotations

import math

# --- fixed-length per-finger codes (codes.py) ------------------------------------------------
#: Bits per finger code; 1024 bits = 16 uint64 words = 128 bytes per finger.
CODE_BITS = 1024
CODE_WORDS = CODE_BITS // 64
#: Each minutia is described with this many nearest neighbours (all pairs of them are hashed).
CODE_NEIGHBOURS = 3
#: Neighbours nearer or farther than this are ignored (pixels at 500 ppi).
CODE_MIN_DISTANCE = 8.0
CODE_MAX_DISTANCE = 120.0
#: Distance quantisation step (pixels) and number of distance bins (the last one is open).
CODE_DISTANCE_STEP = 20.0
CODE_DISTANCE_BINS = 5
#: Number of bins for each relative angle.
CODE_ANGLE_BINS = 6
#: Bump when anything above changes the meaning of a stored bit.
CODE_LAYOUT_VERSION = 2

# --- pre-filter (kernels.py, engine.py) -------------------------------------------------------
#: Subtracted from each finger's overlap z-score (kernels.py). The z-score of unrelated
#: fingers is already centred near 0, so a missing finger (which adds nothing) is neutral.
PREFILTER_Z_OFFSET = 0.0
#: Identities kept per shard after the pre-filter, re-ranked with the 1:1 comparator.
PREFILTER_SHORTLIST = 16
#: Sequential re-ranking: after this many fingers (best probe quality first) a candidate whose
#: summed calibrated score is below RERANK_CONTINUE_EVIDENCE decades is not compared further.
#: 3 fingers of an impostor sum to about 1 decade; of a mate, to about 14 (synthetic, median).
RERANK_MIN_FINGERS = 3
RERANK_CONTINUE_EVIDENCE = 4.5
#: Candidates returned by a search (after re-ranking and fusion).
CANDIDATE_LIST_LENGTH = 20

# --- fusion (fusion.py) -----------------------------------------------------------------------
#: Finger scores are clipped to this range before fusion so one broken comparison cannot
#: dominate the sum.
FUSION_SCORE_CLIP = (0.0, 1.0e6)

# --- thresholds (thresholds.py) ---------------------------------------------------------------
#: Default target false-positive identification rate.
DEFAULT_TARGET_FPIR = 1.0e-3
#: Fraction of the highest non-mated scores used to fit the exponential tail.
TAIL_FRACTION = 0.2

# --- gallery storage (gallery.py) -------------------------------------------------------------
#: Default number of shards of a new gallery (identities are assigned by CRC-32 of their id).
DEFAULT_SHARDS = 2
#: Bytes of UTF-8 an identity id may take.
IDENTITY_ID_BYTES = 48
#: Maximum minutiae stored per finger.
MAX_MINUTIAE = 255

TWO_PI = 2.0 * math.pi
