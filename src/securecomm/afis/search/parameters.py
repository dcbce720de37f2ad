"""Every tuning constant of the 1:N search, in one place (the SourceAFIS ``Parameters`` idea).

Units: pixels at 500 ppi, radians, bits. Changing a constant that shapes the stored codes
(``CODE_*``) changes the gallery format: :data:`CODE_LAYOUT_VERSION` must change with it, and
the gallery refuses to open files written with another layout.
"""

from __future__ import annotations

import math

# --- fixed-length per-finger codes (codes.py, cylinder_codes.py) ----------------------------
#: A finger's code has two segments, each a Bloom filter of one kind of local structure:
#: pair words (codes.py) and LSH keys of binary minutia cylinders (cylinder_codes.py). Measured
#: (docs/afis-search.md): two complementary 768-bit segments find the mate far more often than
#: one 1536-bit code of either kind; bits matter (sparser Bloom codes collide less by chance).
CODE_PAIR_BITS = 768
CODE_CYLINDER_BITS = 768
CODE_BITS = CODE_PAIR_BITS + CODE_CYLINDER_BITS
CODE_WORDS = CODE_BITS // 64
CODE_PAIR_WORDS = CODE_PAIR_BITS // 64
#: Segments per finger code; each has its own popcount (pops.bin stores one u16 per segment).
CODE_SEGMENTS = 2
#: Pair words: each minutia is described with this many nearest neighbours (all pairs hashed).
CODE_NEIGHBOURS = 3
#: Neighbours nearer or farther than this are ignored (pixels at 500 ppi).
CODE_MIN_DISTANCE = 8.0
CODE_MAX_DISTANCE = 120.0
#: Distance quantisation step (pixels) and number of distance bins (the last one is open).
CODE_DISTANCE_STEP = 20.0
CODE_DISTANCE_BINS = 5
#: Number of bins for each relative angle.
CODE_ANGLE_BINS = 6
#: Binary cylinders (Cappelli, Ferrara & Maltoni 2011): disc radius (pixels), spatial cells per
#: side, direction sections; a cell/section is set when a neighbour lies within
#: CYLINDER_CELL_REACH pixels of the cell centre and CYLINDER_DIRECTION_REACH radians of the
#: section.
CYLINDER_RADIUS = 60.0
CYLINDER_CELLS = 6
CYLINDER_SECTIONS = 4
CYLINDER_CELL_REACH = 14.0
CYLINDER_DIRECTION_REACH = 0.6
#: Bit-sampling LSH of each cylinder: functions, cells read per function, least set cells for a
#: key to be hashed, and the seed that fixes which cells each function reads.
LSH_HASHES = 24
LSH_BITS = 10
LSH_MIN_ONES = 3
LSH_SEED = 7
#: The first CODE_LEAD_WORDS words of each segment form the *lead code* (lead.bin), scanned
#: for every identity; the other words (tail.bin) are read only for the lead scan's survivors.
#: A Bloom bit is ``hash mod segment bits``, so the lead words are an unbiased share of each
#: finger's hashed structures. Measured (docs/afis-search.md, 2,000 mated probes at 100k): of
#: the mates the full code ranks in the top 64, the deepest lead-scan rank was 1.6 % of the
#: shard with 6 of 12 words, but 8 % with 5 and 24 % with 4 (layout 4, replaced for that).
CODE_LEAD_WORDS = 6
CODE_LEAD_BITS = CODE_LEAD_WORDS * 64
#: Bump when anything above changes the meaning or the place of a stored bit.
CODE_LAYOUT_VERSION = 5

# --- pre-filter (kernels.py, engine.py) -------------------------------------------------------
#: Subtracted from each finger's overlap z-score (kernels.py). The z-score of unrelated
#: fingers is already centred near 0, so a missing finger (which adds nothing) is neutral.
PREFILTER_Z_OFFSET = 0.0
#: Divide a slot's pre-filter z-sum by √(fingers both sides have): the z-sum of k unrelated
#: fingers has variance ≈ k, so without it ten-print impostors crowd two-print mates off the
#: shortlist (docs/afis-search.md, finger sets). For ten fingers on both sides it changes
#: nothing but the scale.
PREFILTER_NORMALISE = True
#: Normalising also standardises each probe finger's z by the median and spread (IQR/1.349)
#: measured on this many evenly spaced slots of the shard (shard_search.finger_standardisation);
#: with fewer than PREFILTER_STANDARDISE_MIN sampled slots holding a finger, it is left as is.
PREFILTER_STANDARDISE_SAMPLE = 2048
PREFILTER_STANDARDISE_MIN = 32
#: Weight of each code segment's z-score (pair words, cylinder keys) in the fused score.
PREFILTER_SEGMENT_WEIGHTS = (1.0, 1.0)
#: Two-stage scan (shard_search.py): the lead scan keeps this share of a shard's slots (at least
#: PREFILTER_LEAD_MIN), whose full codes are then scored; a shard no larger than that minimum
#: skips the lead scan, so small galleries are scored exactly as by a single full scan. 1/24 is
#: 2.6 times the deepest lead-scan rank of a mate measured (1.6 % of the shard, see above); each
#: halving of it saves about a sixth of the scan's time.
PREFILTER_LEAD_KEEP = 1 / 24
PREFILTER_LEAD_MIN = 4096
#: PREFILTER_LEAD_KEEP is the share for slots sharing this many fingers with the probe. The
#: full-code stage costs per shared finger, so a slot sharing k fingers is kept at
#: PREFILTER_LEAD_KEEP × 10 / k of the shard (a two-finger search keeps 5/24, one finger
#: 10/24) for the same work per slot: measured on real FVC mates at 1M (docs/afis-search.md,
#: finger sets), 10 of 140 two-finger and 29 of 140 one-finger mates fell beyond 1/24.
PREFILTER_LEAD_KEEP_FINGERS = 10
#: Identities kept per shard after the pre-filter, re-ranked with the 1:1 comparator. Each costs
#: about 2 ms of CPU (three prepares and comparisons for a non-mate); measured, every doubling
#: finds about 4 % more mates at 1M identities (docs/afis-search.md).
PREFILTER_SHORTLIST = 64
#: Sequential re-ranking: after this many fingers (best probe quality first) a candidate whose
#: summed calibrated score is below RERANK_CONTINUE_EVIDENCE decades is not compared further.
#: 3 fingers of an impostor sum to about 1 decade; of a mate, to about 14 (synthetic, median).
RERANK_MIN_FINGERS = 3
RERANK_CONTINUE_EVIDENCE = 4.5
#: An earlier, looser check: after this many fingers a candidate whose summed calibrated score
#: is below RERANK_FIRST_CHECK_EVIDENCE decades is not compared further either. Measured at
#: 100k (docs/afis-search.md, re-ranking cost; 80 mated ten-print searches, 15,280 shortlisted
#: impostors): after two fingers the lowest mate had 3.6 decades (1st percentile 11.7), 82 %
#: of the impostors less than 1.5, so their third preparation and comparison is saved.
RERANK_FIRST_CHECK_FINGERS = 2
RERANK_FIRST_CHECK_EVIDENCE = 1.5
#: Enrolled fingers whose preparation for the comparator (MCC cylinders, about 0.5 ms each)
#: each shard keeps, most recently used first (shard_search.PreparedCache). A prepared finger
#: of the synthetic galleries takes about 4.6 kB (35 minutiae), so 16,384 are about 75 MB a
#: shard. The answers do not depend on it; 0 turns the cache off.
PREPARED_CACHE_FINGERS = 16_384
#: Candidates returned by a search (after re-ranking and fusion).
CANDIDATE_LIST_LENGTH = 20

# --- fusion (fusion.py) -----------------------------------------------------------------------
#: Finger scores are clipped to this range before fusion so one broken comparison cannot
#: dominate the sum.
FUSION_SCORE_CLIP = (0.0, 1.0e6)

# --- thresholds (thresholds.py) ---------------------------------------------------------------
#: Default target false-positive identification rate.
DEFAULT_TARGET_FPIR = 1.0e-3
#: Fraction of the highest non-mated fused sums whose survival function the per-finger-count
#: calibration fits (thresholds.fit_gamma_scale).
TAIL_FRACTION = 0.2
#: Per number of compared fingers k = 1–10, the scale θ_k of Gamma(k, θ_k) that the fused score
#: of a non-mated identity follows (thresholds.FusionCalibration); 1/ln 10 is the uncalibrated
#: model. Values: see FUSION_CALIBRATION_SOURCE and docs/afis-search.md (finger sets).
FUSION_GAMMA_SCALES: tuple[float, ...] = (1.0 / math.log(10.0),) * 10
FUSION_CALIBRATION_SOURCE = "model: Gamma(k, 1/ln 10)"

# --- gallery storage (gallery.py) -------------------------------------------------------------
#: Default number of shards of a new gallery (identities are assigned by CRC-32 of their id).
DEFAULT_SHARDS = 2
#: Bytes of UTF-8 an identity id may take.
IDENTITY_ID_BYTES = 48
#: Maximum minutiae stored per finger.
MAX_MINUTIAE = 255

TWO_PI = 2.0 * math.pi
