"""Every tuning constant of the fingerprint synthesiser, in one place.

Lengths are pixels at 500 ppi (one pixel = 50.8 µm); angles are radians unless a name says
degrees. The values were chosen by looking at the prints next to FVC2002 DB4 (made with SFinGe
v2.51) and the real FVC sets, and by measuring them with our own extractor and comparator
(``benchmarks/synthesis_realism.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

# --- master canvas ----------------------------------------------------------------------------

#: Master fingerprint canvas (columns, rows): 0.84 in × 1.10 in at 500 ppi, room for a rolled
#: print of a large finger.
MASTER_WIDTH = 416
MASTER_HEIGHT = 544


@dataclass(frozen=True)
class MasterParameters:
    """How master fingerprints are drawn (classes, singular points, ridges, growth)."""

    width: int = MASTER_WIDTH
    height: int = MASTER_HEIGHT

    # Finger-shaped contact region (contact.py): a rectangle-and-half-ellipses outline.
    finger_width_range: tuple[float, float] = (330.0, 400.0)
    finger_height_range: tuple[float, float] = (470.0, 530.0)
    #: Top cap height as a fraction of the finger width (the tip is rounder than the base).
    top_cap_range: tuple[float, float] = (0.45, 0.65)
    bottom_cap_range: tuple[float, float] = (0.15, 0.30)

    # Singular points (classes.py), as fractions of the finger bounding box.
    core_y_range: tuple[float, float] = (0.36, 0.50)
    core_x_jitter: float = 0.06
    loop_delta_dy_range: tuple[float, float] = (0.20, 0.30)
    loop_delta_dx_range: tuple[float, float] = (0.20, 0.32)
    whorl_core_gap_range: tuple[float, float] = (0.03, 0.09)
    whorl_delta_dx_range: tuple[float, float] = (0.24, 0.34)
    whorl_delta_dy_range: tuple[float, float] = (0.20, 0.30)
    tented_delta_dy_range: tuple[float, float] = (0.10, 0.16)
    #: Plain arch: peak slope of the ridges (tan of the angle) and its vertical spread.
    arch_slope_range: tuple[float, float] = (0.7, 1.3)
    arch_spread_range: tuple[float, float] = (0.18, 0.30)

    # Orientation (orientation.py): Vizcaya–Gerhardt correction of the zero-pole model.
    #: Number of nodes of the piecewise-linear correction g(α) of each singular point.
    correction_nodes: int = 8
    #: Standard deviation of the node displacement g(α_k) − α_k.
    correction_sigma: float = 0.35
    #: Smooth random deviation from the model (radians, standard deviation) and its
    #: correlation length (pixels).
    orientation_noise: float = 0.15
    orientation_noise_scale: float = 70.0
    #: Maximum rotation of the whole field (the finger is not always upright on the master).
    field_rotation_max: float = 0.12

    # Ridge period (density.py), pixels per ridge-valley cycle.
    period_range: tuple[float, float] = (8.6, 10.2)
    #: Extra period above the northernmost core (ridges are sparser towards the tip).
    period_tip_extra: float = 1.2
    #: Period reduction below the deltas (denser ridges near the flexion crease).
    period_base_drop: float = 0.8
    #: Amplitude and correlation length of the smooth random variation of the period.
    period_noise_amplitude: float = 0.45
    period_noise_scale: float = 60.0

    # Iterative Gabor growth (growth.py).
    #: Seeds per 10,000 pixels of contact area.
    seed_density: float = 5.0
    #: Gabor envelope sigma as a fraction of the local period.
    gabor_sigma_factor: float = 0.42
    #: Kernel support radius in envelope sigmas.
    gabor_radius_sigmas: float = 1.6
    #: Orientation bins of the filter bank (0..π).
    orientation_bins: int = 32
    #: Period bins of the filter bank, spanning ``period_bank_range``.
    period_bins: int = 12
    period_bank_range: tuple[float, float] = (6.0, 14.0)
    #: Gain applied to the normalised filter response before clipping to [−1, 1].
    growth_gain: float = 3.0
    max_iterations: int = 40
    #: Growth runs at 1/``growth_downsample`` resolution, then ``polish_passes`` full-resolution
    #: passes restore the exact ridge shape (growth.py).
    growth_downsample: int = 2
    polish_passes: int = 1
    #: Only pixels below this magnitude after interpolation (the ridge flanks) are polished.
    polish_level: float = 0.97
    #: A pixel whose value moved less than this in a pass counts as settled; only pixels near
    #: unsettled ones are filtered in the next pass.
    change_tolerance: float = 0.1
    #: The contact area counts as covered when this fraction of it has a value above
    #: ``covered_level`` within 2 pixels; then ``settle_passes`` more passes let the last
    #: fronts meet and settle.
    covered_level: float = 0.5
    covered_fraction: float = 0.995
    settle_passes: int = 2

    # Ground truth (ground_truth.py).
    #: Minutiae closer than this to the contact border are artefacts of the outline.
    border_margin: float = 14.0
    #: Connected ridge or valley pieces smaller than this (pixels) are removed before thinning.
    min_component_area: int = 40
    #: Two minutiae closer than this are a spur, bridge or hole, not two minutiae: both go.
    min_minutia_distance: float = 6.0
    #: How far (pixels) the ridge pattern is probed on both sides of a minutia for its sense.
    direction_probe_reach: float = 7.0


@dataclass(frozen=True)
class ImpressionParameters:
    """How an impression (one touch of the finger on a sensor) is simulated."""

    # Output canvas for flat (plain) impressions, columns × rows, like the FVC sensors.
    flat_width: int = 320
    flat_height: int = 416
    #: Rolled prints: the master is unrolled horizontally by this factor range.
    rolled_stretch_range: tuple[float, float] = (1.10, 1.20)
    rolled_margin: int = 24

    # Placement.
    rotation_max_degrees: float = 15.0
    translation_max: float = 28.0
    rolled_rotation_max_degrees: float = 4.0

    # Partial contact (flat): an ellipse around a point near the finger centre.
    contact_center_jitter: float = 40.0
    contact_axes_fraction_range: tuple[float, float] = (0.31, 0.40)
    #: Irregularity of the contact outline (pixels) and its correlation length.
    contact_edge_noise: float = 7.0
    contact_edge_scale: float = 70.0

    # Non-linear distortion (Cappelli, Maio & Maltoni 2001).
    #: Semi-axes of the close-contact region a, as a fraction of the contact ellipse.
    close_contact_fraction: float = 0.35
    #: Skin "brake" distance (pixels): how quickly the elastic region approaches the rigid move.
    brake_k: float = 90.0
    distortion_translation_max: float = 9.0
    distortion_rotation_max_degrees: float = 4.0
    inverse_iterations: int = 6
    #: The inverse map is solved every this many pixels and interpolated in between.
    inverse_map_step: int = 4

    # Pressure / skin condition: ridge width via erosion (dry, light) or dilation (wet, heavy).
    #: Probability weights of morphological steps −2, −1, 0, +1, +2 (negative = erosion).
    pressure_step_weights: tuple[float, float, float, float, float] = (0.03, 0.30, 0.45, 0.20, 0.02)

    # Noise.
    #: Pores / dry-skin breaks: white blobs on ridges per 10,000 contact pixels.
    ridge_blob_density: tuple[float, float] = (2.0, 12.0)
    #: Black blobs (sweat, dirt) in valleys per 10,000 contact pixels.
    valley_blob_density: tuple[float, float] = (0.3, 3.0)
    blob_radius_range: tuple[float, float] = (0.7, 1.6)
    #: Dry skin: fraction of the print where ridges break, and the grain of the breaks.
    dryness_range: tuple[float, float] = (0.0, 0.24)
    dryness_scale: float = 5.0
    scratch_count_range: tuple[int, int] = (0, 3)
    scratch_width_range: tuple[int, int] = (1, 3)
    blur_sigma_range: tuple[float, float] = (0.7, 1.2)
    #: Gray levels: background (paper/platen) and ridge ink.
    background_range: tuple[float, float] = (200.0, 235.0)
    ridge_level_range: tuple[float, float] = (15.0, 70.0)
    #: Smooth variation of the contrast across the print (fraction of full contrast).
    contrast_variation: float = 0.25
    contrast_scale: float = 70.0
    #: Fade of the ridges towards the edge of the contact region (pixels).
    edge_fade: float = 12.0
    #: Smooth variation of the background gray level (amplitude, correlation length).
    background_variation: float = 6.0
    background_scale: float = 90.0
    gaussian_noise_range: tuple[float, float] = (3.0, 12.0)

    # Poor touches: this share of impressions uses the harsher ranges below.
    poor_probability: float = 0.12
    poor_dryness_range: tuple[float, float] = (0.12, 0.32)
    poor_noise_range: tuple[float, float] = (8.0, 18.0)
    poor_blur_range: tuple[float, float] = (1.1, 1.8)
    poor_ridge_level_range: tuple[float, float] = (70.0, 140.0)
    poor_contrast_variation: float = 0.4

    # Clean impressions (used to check ground truth): no noise, no distortion.
    #: Ground-truth minutiae nearer than this to the visible contact border are dropped.
    visible_margin: float = 10.0


DEFAULT_MASTER = MasterParameters()
DEFAULT_IMPRESSION = ImpressionParameters()
