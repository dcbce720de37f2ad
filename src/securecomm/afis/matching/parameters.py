"""Every tuning constant of the 1:1 comparator, in one place.

Names and default values follow Cappelli, Ferrara & Maltoni, "Minutia Cylinder-Code: a new
representation and matching technique for fingerprint recognition", IEEE TPAMI 32(12), 2010
(MCC), Table 1 and Section 5, for 500 ppi images; values that differ from the paper say why.
"""

from __future__ import annotations

import math

#: Working resolution of all distances below (templates are rescaled to it).
PPI = 500.0

# --- cylinder (MCC §3) ---------------------------------------------------------------
#: Cylinder radius R in pixels.
RADIUS = 70.0
#: Cells per side of the cylinder base (Ns) and angular sections (Nd).
#: Ns = 8 instead of the paper's 16: four times fewer bits, so about four times faster, for a
#: small loss measured on the FVC templates (see docs/afis-matching.md).
CELLS_PER_SIDE = 8
SECTIONS = 6
#: Standard deviation of the spatial (σS) and directional (σD) contributions.
SIGMA_S = 28.0 / 3.0
SIGMA_D = 2.0 * math.pi / 9.0
#: Bit-wise MCC: a cell bit is set when its contribution exceeds μψ (the paper: 0.01; 0.005
#: measured better on the FVC sets, most of all on sparse templates: EER 8.6 → 6.4 % on
#: FVC2004 DB1 end to end, 2.6 → 2.5 % on the FVC2002 ISO templates).
MU_PSI = 0.005
#: Enlargement Ω of the convex hull of the minutiae that bounds the valid cells.
HULL_MARGIN = 50.0
#: A cylinder is valid when at least this fraction of its in-disk cells are valid …
MIN_VALID_CELL_FRACTION = 0.75
#: … and at least this many other minutiae lie within R + 3σS of it (minM).
MIN_NEIGHBOURS = 2

# --- local similarity (MCC §4) --------------------------------------------------------
#: Two minutiae are comparable only if their directions differ by at most δθ.
MAX_DIRECTION_DIFFERENCE = math.pi / 2.0
#: Two cylinders are matchable when at least this fraction of cells is valid in both (minME).
MIN_MATCHABLE_FRACTION = 0.6

# --- consolidation: LSS-R (MCC §5) ----------------------------------------------------
#: n_P, the number of pairs whose mean is the score:
#: minNP + Z(min(nA, nB); μP, τP)·(maxNP − minNP).
MIN_NP = 4
MAX_NP = 12
MU_P = 20.0
TAU_P = 0.4
#: Relaxation: iterations n_rel and weight w_R of the previous value.
RELAXATION_ITERATIONS = 5
RELAXATION_WEIGHT = 0.5
#: Compatibility ρ of two pairs: sigmoids on distance, direction and radial-angle differences.
MU_RHO_DISTANCE = 5.0
TAU_RHO_DISTANCE = -8.0 / 5.0
#: Skin distortion grows with distance: the distance difference d₁ is first reduced by this
#: fraction of the sum of the two distances (0 gives the paper's ρ; 0.03 measured best end to end).
RELATIVE_DISTANCE_TOLERANCE = 0.03
MU_RHO_ANGLE = math.pi / 12.0
TAU_RHO_ANGLE = -30.0
#: Pairs entering the relaxation: the best one-to-one pairs by local similarity, at most this
#: many (the paper uses min(nA, nB); capping bounds the cost on very dense templates).
MAX_RELAXATION_PAIRS = 64

# --- global pairing and overlap normalisation (global_pairing.py) ---------------------
#: Root alignments tried: the best relaxed pairs (by relaxation efficiency, as LSS-R ranks them);
#: the root under which most LSS-R pairs agree is used (3 → 5 roots: FVC2004 e2e 3.21 → 3.09 %).
GLOBAL_ROOTS = 5
#: Two minutiae pair up under an alignment when the mapped position is within
#: d₀ + c·(distance from the root) pixels and the directions within δ. Swept on the FVC sets
#: (d₀ 8–15, c 0.03–0.1, δ 16–32 units): tighter than this lets distortion break genuine pairs,
#: looser lets impostors collect chance pairs (docs/afis-matching.md).
GLOBAL_DISTANCE_TOLERANCE = 10.0
GLOBAL_RELATIVE_TOLERANCE = 0.05
GLOBAL_DIRECTION_TOLERANCE = 20.0 / 256.0 * 2.0 * math.pi  # about 28°
#: A minutia is in the overlap when a minutia of the other print lies within this distance
#: after alignment.
OVERLAP_DISTANCE = 40.0
#: Floor k of the overlap counts in m / √(max(o_A, k)·max(o_B, k)).
MIN_OVERLAP_MINUTIAE = 6

#: Local similarities are quantised to this many levels to rank pairs with a counting sort.
SIMILARITY_LEVELS = 1024
#: Angles inside prepared templates are stored in 1/256 turns (the ISO unit).
ANGLE_UNITS = 256

# --- evidence limited by the pairs (calibration.RAW_CAP, docs/afis-matching.md) --------
#: At most this many decades of −log10 FMR per paired minutia beyond the first: a comparison
#: with m paired minutiae scores at most PAIR_EVIDENCE_DECADES·(m − 1). Under an alignment, a
#: minutia of the other print falls by chance within the pairing tolerances (±10 px, ±28°) of
#: a given one with a probability of the order of 0.1, so each pair beyond the one the
#: alignment is built on is worth about one decade at most (the individuality argument of
#: Pankanti, Prabhakar & Jain, IEEE TPAMI 24(8), 2002). A higher score than the pairs support
#: comes from the calibration's log-linear tail, extrapolated far beyond the impostors it was
#: fitted on: 6–7-minutia templates with 3–5 pairs reached 7–11 decades, the false positives of
#: 1-finger searches at 10,000 identities.
PAIR_EVIDENCE_DECADES = 1.0
#: The table of caps goes up to this many pairs (the ISO/IEC 19794-2 maximum of minutiae per
#: finger view); more pairs take the last value, far above any score the comparator reaches.
MAX_CAPPED_PAIRS = 255
