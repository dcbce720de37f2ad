"""Every constant of the template-level ten-print generator, in one place.

Pixels at 500 ppi, radians. The numbers follow published statistics where they exist:
fingerprint class frequencies (loops ~65 %, whorls ~30 %, arches ~5 %; Wilson, Watson &
Paek, NIST IR 6534), 20–70 minutiae per plain impression, a minimum inter-minutia distance of
about one ridge period (~10 px at 500 ppi), and the impression variability of SFinGe
(Cappelli, Maio & Maltoni): rotation, translation, non-linear skin distortion, partial contact,
missed and spurious minutiae. Counts, contact area, noise and the minutia-sense coherence
are fitted so that comparator scores match those of our extractor on FVC2002 (measured by
``benchmarks/tsynth_realism.py``).
"""

from __future__ import annotations

import numpy as np

#: Version of the generator's output: bump it with every change that alters the templates a
#: (seed, identity, finger, impression) gives. Caches of generated galleries key on it.
GENERATOR_VERSION = 3

#: Frame of every synthetic template (pixels at 500 ppi).
FRAME_WIDTH = 416
FRAME_HEIGHT = 512

# --- fingerprint classes -----------------------------------------------------------------------
ARCH, TENTED_ARCH, LEFT_LOOP, RIGHT_LOOP, WHORL = 0, 1, 2, 3, 4
CLASS_NAMES = ("arch", "tented_arch", "left_loop", "right_loop", "whorl")
#: Class frequencies for right-hand and left-hand fingers (loops lean with the hand).
CLASS_PROBABILITIES_RIGHT = np.array([0.04, 0.03, 0.06, 0.58, 0.29])
CLASS_PROBABILITIES_LEFT = np.array([0.04, 0.03, 0.58, 0.06, 0.29])

# --- master fingers ----------------------------------------------------------------------------
#: Finger area: an ellipse with these semi-axis ranges (pixels).
SEMI_AXIS_X = (125.0, 165.0)
SEMI_AXIS_Y = (165.0, 215.0)
#: Jitter of the finger centre around the frame centre.
CENTRE_JITTER = 12.0
#: Minutiae on the whole master finger: normal(mean, sd) clipped to [min, max].
MASTER_MINUTIAE_MEAN = 58.0
MASTER_MINUTIAE_SD = 18.0
MASTER_MINUTIAE_MIN = 26
MASTER_MINUTIAE_MAX = 90
#: No two minutiae of a master closer than this (about one ridge period).
MIN_MINUTIA_DISTANCE = 10.0
#: Minutiae on ridge lines: a new minutia's offset across the flow from its nearest neighbour
#: (if closer than the radius) is snapped to a whole number of ridge periods (pixels, range
#: per finger; ~9 px at 500 ppi). Off: measured, it does not change the score distributions
#: (docs/afis-template-synthesis.md).
RIDGE_SNAP = False
RIDGE_SNAP_RADIUS = 40.0
RIDGE_PERIOD = (8.0, 10.5)
#: Global pattern rotation of a master (sd, radians).
PATTERN_ROTATION_SD = 0.12
#: Noise of a minutia's direction around the ridge flow (sd, radians).
DIRECTION_NOISE_SD = 0.09
#: Minutia sense: a minutia points along the ridge flow away from the core (a smooth field, so
#: neighbouring minutiae agree as on real prints) except with this probability.
SENSE_FLIP_PROBABILITY = 0.05
#: Probability that a minutia is a ridge ending (else a bifurcation).
ENDING_PROBABILITY = 0.55

# --- impressions --------------------------------------------------------------------------------
#: Probability that a finger of an impression is of low quality.
LOW_QUALITY_PROBABILITY = 0.15
#: Rigid placement: rotation sd (radians) and its clip, translation sd (pixels).
ROTATION_SD = 0.20
ROTATION_MAX = 0.52
TRANSLATION_SD = 18.0
#: Contact region: centre offset sd (pixels) and semi-axis scale range.
CONTACT_OFFSET_SD = 18.0
CONTACT_SCALE = (0.55, 0.92)
#: Non-linear distortion: number of Gaussian bumps, their width and amplitude sd (pixels).
DISTORTION_BUMPS = 3
DISTORTION_SIGMA = 90.0
DISTORTION_AMPLITUDE_SD = 3.5
#: Position and direction noise (normal / low-quality finger).
POSITION_NOISE_SD = (1.0, 3.0)
DIRECTION_NOISE_IMPRESSION_SD = (0.06, 0.15)
#: Probability of missing a true minutia (normal / low-quality).
MISS_PROBABILITY = (0.05, 0.25)
#: Mean number of spurious minutiae (normal / low-quality).
SPURIOUS_MEAN = (2.0, 8.0)
#: Spurious minutiae come in facing pairs (the two ends of a broken ridge) with this
#: probability, the second one this many pixels further along the flow.
SPURIOUS_PAIR_PROBABILITY = 0.6
SPURIOUS_PAIR_GAP = (6.0, 16.0)
#: Probability that an ending is reported as a bifurcation or the reverse.
KIND_FLIP_PROBABILITY = 0.10
#: Whole-print quality ranges (normal / low-quality).
QUALITY_RANGE_GOOD = (50, 95)
QUALITY_RANGE_LOW = (10, 40)
#: Upper bound on minutiae per impression.
MAX_IMPRESSION_MINUTIAE = 110

#: Identity indices of non-mated (never enrolled) identities start here.
NONMATED_BASE = 1 << 40
