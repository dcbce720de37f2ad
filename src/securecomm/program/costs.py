"""Program cost from a simulation result: bed-days, alternatives, transport, staff, court, systems.

Variable costs follow the simulated people (bed-days and ATD-days from the daily occupancy,
transport per removal, attorney time per hearing). Staff (CAP teams, LESC) are a fixed annual cost
of the funded positions; a level's share of it is its share of the officer hours worked.
Systems are a yearly operations cost plus a one-time deployment per activated facility.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from securecomm.program.simulation import Event, SimulationResult

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class CostBreakdown:
    """US dollars over a window (national units)."""

    detention: float
    alternatives: float
    transport: float
    staff: float
    court: float
    systems: float

    @property
    def total(self) -> float:
        return (
            self.detention
            + self.alternatives
            + self.transport
            + self.staff
            + self.court
            + self.systems
        )

    def as_dict(self) -> dict[str, float]:
        return {**asdict(self), "total": self.total}


def program_cost(
    result: SimulationResult,
    start: date | None = None,
    end: date | None = None,
    *,
    levels: tuple[int, ...] | None = None,
    include_systems: bool = True,
) -> CostBreakdown:
    """Cost in [start, end) of the people at ``levels`` (all if ``None``), plus systems."""
    c = result.scenario.costs
    cap = result.scenario.capacity
    w = result.window(start, end)
    lv = list(levels) if levels is not None else slice(None)
    years = (w.stop - w.start) / DAYS_PER_YEAR
    bed_days = float(result.detention[lv, w].sum()) / result.scale
    atd_days = float(result.atd[lv, w].sum()) / result.scale
    removals = result.count(Event.REMOVED, start, end, levels=levels)
    hearings = result.count(Event.HEARING, start, end, levels=levels)
    hours_all = float(result.staff_hours[:, w].sum())
    hours_lv = float(result.staff_hours[lv, w].sum())
    share = hours_lv / hours_all if hours_all > 0 else (1.0 if levels is None else 0.0)
    staff_fixed = years * (
        cap.cap_teams * cap.officers_per_team * c.officer_year
        + cap.lesc_specialists * c.lesc_specialist_year
    )
    systems = 0.0
    if include_systems:
        activated = float(result.activations[w].sum())
        systems = years * c.systems_per_year + activated * c.deployment_per_facility
    return CostBreakdown(
        detention=bed_days * c.bed_day,
        alternatives=atd_days * c.atd_day,
        transport=removals * c.transport_per_removal,
        staff=staff_fixed * share,
        court=hearings * c.court_case,
        systems=systems,
    )
