"""Generate the synthetic facility registry with the plan's exact tier counts.

Volumes, foreign-born shares and level mixes are drawn from a seeded generator (log-normal
volumes, Beta shares, Dirichlet mixes around the national values of the scenario); the tiers are
then assigned by the risk assessment (:func:`securecomm.program.tiers.assign_tiers`) with the
plan's quotas, so the counts are exact and the assignment follows the data.
"""

from __future__ import annotations

import numpy as np

from securecomm.program.facilities import Coverage, Facility, FacilityKind
from securecomm.program.scenario import BookingParameters, RegistryParameters
from securecomm.program.tiers import assign_tiers

#: The registry's volumes are those of this year; the simulation rescales them by year.
BASE_YEAR = 2008
SYNTHETIC_STATES = 50

_LABELS = {
    FacilityKind.STATE: "State Facility",
    FacilityKind.COUNTY_CITY: "County Jail",
    FacilityKind.FEDERAL: "Federal Prison",
}


def national_jail_admissions(bookings: BookingParameters, year: float) -> float:
    """Local jail admissions per year, linearly interpolated between the listed years."""
    years = np.array([y for y, _ in bookings.jail_admissions_by_year], dtype=float)
    values = np.array([v for _, v in bookings.jail_admissions_by_year], dtype=float)
    return float(np.interp(year, years, values))


def _volumes(rng: np.random.Generator, n: int, sigma: float, total: float) -> np.ndarray:
    weights = rng.lognormal(mean=0.0, sigma=sigma, size=n)
    return weights / weights.sum() * total


def generate_registry(
    registry: RegistryParameters,
    bookings: BookingParameters,
    rng: np.random.Generator,
) -> list[Facility]:
    """All facilities (state, county/city, federal) with coverage and tiers, in id order."""
    n_state = sum(registry.state_tier_counts)
    n_local = sum(registry.county_city_tier_counts)
    n_fed = registry.federal_facilities
    kinds = (
        [FacilityKind.STATE] * n_state
        + [FacilityKind.COUNTY_CITY] * n_local
        + [FacilityKind.FEDERAL] * n_fed
    )
    volume = np.concatenate(
        [
            _volumes(rng, n_state, registry.state_volume_sigma, bookings.state_prison_admissions),
            _volumes(
                rng,
                n_local,
                registry.local_volume_sigma,
                national_jail_admissions(bookings, BASE_YEAR),
            ),
            _volumes(rng, n_fed, 0.5, bookings.federal_admissions),
        ]
    )
    conc = registry.foreign_born_concentration
    fb_mean = np.array(
        [bookings.federal_foreign_born_share if k is FacilityKind.FEDERAL else 0.0 for k in kinds]
    )
    fb_mean[fb_mean == 0.0] = bookings.foreign_born_share
    foreign_born = rng.beta(fb_mean * conc, (1.0 - fb_mean) * conc)
    mix = rng.dirichlet(np.array(bookings.level_mix) * registry.level_mix_concentration, len(kinds))

    # Coverage before the program: CAP on site at the largest local jails and most prisons.
    cap = np.zeros(len(kinds), dtype=bool)
    g287 = np.zeros(len(kinds), dtype=bool)
    local_idx = np.arange(n_state, n_state + n_local)
    by_volume = local_idx[np.argsort(-volume[local_idx], kind="stable")]
    cap[by_volume[: round(registry.local_cap_coverage * n_local)]] = True
    cap[:n_state] = rng.random(n_state) < registry.state_cap_coverage
    large = by_volume[: max(registry.jail_287g_agreements, n_local // 5)]
    g287[rng.choice(large, size=registry.jail_287g_agreements, replace=False)] = True
    video = (~cap) & (rng.random(len(kinds)) < registry.video_share)
    states = rng.integers(1, SYNTHETIC_STATES + 1, size=len(kinds))

    facilities: list[Facility] = []
    for i, kind in enumerate(kinds):
        federal = kind is FacilityKind.FEDERAL
        facilities.append(
            Facility(
                id=i + 1,
                name=f"Synthetic {_LABELS[kind]} {i + 1:04d}",
                place=f"Synthetic Place {i + 1:04d}, Synthetic State {states[i]:02d}",
                kind=kind,
                annual_bookings=float(volume[i]),
                foreign_born_share=float(foreign_born[i]),
                level_mix=(
                    float(mix[i, 0]),
                    float(mix[i, 1]),
                    float(mix[i, 2]),
                    float(mix[i, 3]),
                ),
                coverage=Coverage(
                    interoperability=False,
                    cap_team_on_site=bool(cap[i]) and not federal,
                    video=bool(video[i]) or federal,
                    agreement_287g=bool(g287[i]),
                    deport_remote=federal,
                ),
            )
        )
    return assign_tiers(
        facilities,
        {
            FacilityKind.STATE: registry.state_tier_counts,
            FacilityKind.COUNTY_CITY: registry.county_city_tier_counts,
        },
    )
