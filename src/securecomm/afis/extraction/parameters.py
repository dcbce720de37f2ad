"""Every tuning constant of the feature extractor, in one place (all lengths in pixels at 500 ppi).

The defaults were tuned on the FVC2002/FVC2004 B sets (``docs/afis-extraction.md`` says how).
Stages take an ``ExtractionParameters`` and read only their own fields, so an experiment changes
one value here (``dataclasses.replace``) instead of editing a stage.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractionParameters:
    # --- normalisation (local mean / contrast) -----------------------------------------------
    #: Wide smoothing (normalisation, orientation, segmentation) runs on a grid this much
    #: coarser than the pixels (see ``blocks.smooth_coarse``).
    coarse_factor: int = 4
    #: Gaussian sigma of the local mean and local standard deviation.
    normalisation_sigma: float = 12.0

    # --- segmentation (on the coarse grid) ---------------------------------------------------
    #: A cell is foreground when its ridge contrast reaches Otsu's threshold of the contrast
    #: histogram (relative to the image's 95th-percentile contrast), bounded to this range...
    segmentation_contrast_ratio: float = 0.22
    segmentation_max_contrast_ratio: float = 0.45
    #: ...and its orientation coherence reaches this value, or this fraction of the median
    #: coherence of the image's contrasted cells when that is lower (0: off). Wet, blotted or
    #: pored prints measure low coherence everywhere; a fixed threshold cuts the print away.
    #: Off: 0.5–0.7 help the emulated wet/dry sets (docs/afis-matching.md, issue 14) but cost
    #: FVC2002 DB3 up to 1.4 points, so the leave-one-set-out rule does not take them.
    segmentation_min_coherence: float = 0.30
    segmentation_relative_coherence: float = 0.0
    #: Morphological clean-up radii in pixels (closing, then opening).
    segmentation_closing_radius: int = 16
    segmentation_opening_radius: int = 16
    #: Foreground components smaller than this fraction of the largest one are dropped.
    segmentation_min_component_ratio: float = 0.15

    # --- orientation field -------------------------------------------------------------------
    #: Sigma of the derivative-of-Gaussian gradient operator.
    gradient_sigma: float = 1.0
    #: Sigma of the integration window of the structure tensor (doubled-angle averaging).
    orientation_sigma: float = 6.0
    #: Sigma (pixels) of the second, wider doubled-angle smoothing used for the final field.
    orientation_smoothing_sigma: float = 10.0

    # --- ridge frequency (x-signature) ------------------------------------------------------
    #: Step (pixels) of the grid on which the ridge period is measured.
    frequency_step: int = 16
    #: Length of the oriented window across the ridges, and its width along them.
    frequency_window_length: int = 32
    frequency_window_width: int = 16
    #: Plausible ridge periods at 500 ppi (pixels); others are treated as unknown.
    min_ridge_period: float = 4.5
    max_ridge_period: float = 16.0
    #: Sigma (blocks) of the normalised convolution that fills and smooths the period map.
    frequency_smoothing_blocks: float = 2.0
    #: Period assumed where nothing better is known.
    default_ridge_period: float = 9.0

    # --- enhancement (contextual filtering in the Fourier domain) ----------------------------
    #: FFT window side and the step between windows (the step is the block size).
    enhancement_window: int = 32
    enhancement_step: int = 8
    #: Relative radial bandwidth of the band-pass (sigma of ln(f / f0)).
    enhancement_radial_sigma: float = 0.30
    #: Angular half-bandwidth (radians) at full coherence and at zero coherence.
    enhancement_angular_min: float = 0.07
    enhancement_angular_max: float = 0.25

    # --- local clarity ------------------------------------------------------------------------
    #: Gaussian sigma of the window of the local clarity (``clarity.py``).
    clarity_sigma: float = 8.0

    # --- minutiae ----------------------------------------------------------------------------
    #: Distance along the skeleton over which a minutia's direction is measured.
    direction_trace_length: int = 12
    #: How far (along the skeleton) the false-minutia tests look for a neighbouring minutia.
    trace_length: int = 18
    #: Spur: an ending joined to a bifurcation by a skeleton path shorter than this.
    max_spur_length: float = 8.0
    #: Short ridge (island / dot): two endings joined by a path shorter than this.
    max_short_ridge_length: float = 10.0
    #: Bridge or small lake: two bifurcations joined by a path shorter than this.
    max_bridge_length: float = 8.0
    #: Broken ridge: two endings closer than this, facing each other along the ridge flow.
    max_break_distance: float = 10.0
    #: Maximum angle (radians) between the gap and the ridge flow for a broken ridge.
    max_break_angle: float = 0.6
    #: Two minutiae closer than this are both removed (clusters of noise).
    min_minutia_distance: float = 4.0
    #: Minutiae closer than this to the foreground border (or the image edge) are removed.
    #: 6 px, about two thirds of a ridge period, instead of 10: on a small frame much of the
    #: print lies near an edge. Issue 14, leave-one-set-out table in docs/afis-matching.md:
    #: chosen on the other four sets in four of the five rotations, and better or equal on
    #: every held-out set (FVC2002 DB2 1.07 → 1.08 %, one interpolation step); the emulated
    #: sets improve on average (7.58 → 7.37 %) but not each of them.
    border_distance: float = 6.0
    #: Minutiae where the orientation coherence is below this are removed (or below this
    #: fraction of the median coherence of the foreground, when that is lower; 0: off —
    #: 0.6 measured 7.37 → 6.91 % on the emulated sets, but FVC2002 DB3 1.11 → 1.43 %).
    min_minutia_coherence: float = 0.25
    relative_minutia_coherence: float = 0.0
    #: Minutiae where the local clarity is below this are removed.
    min_minutia_clarity: float = 0.35
    #: At most this many minutiae (the best by quality) are kept.
    max_minutiae: int = 80

    # --- quality -----------------------------------------------------------------------------
    #: Fewer minutiae than this make the template unusable (``ExtractionError``).
    min_minutiae: int = 4
    #: Less foreground than this many pixels (at 500 ppi) makes the template unusable.
    min_foreground_pixels: int = 6000


DEFAULT_PARAMETERS = ExtractionParameters()
