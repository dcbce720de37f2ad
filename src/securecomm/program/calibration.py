"""Calibration: the default scenarios against the published figures.

Each compared row of ``program_figures.csv`` has a :class:`Target`: which scenario run produces
it, the published definition it is computed with (window, sources, levels), and whether it is an
independent ``check`` or a ``fit`` (a parameter without independent measurement was chosen to
match it; see :mod:`securecomm.program.scenario`). Outputs are always computed from the
simulated people; nothing is copied from the reference.

Rows that the simulation does not model are listed in :data:`NOT_COMPARED` with the reason, so
every row of the file is accounted for.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import simpy

from securecomm.program.costs import DAYS_PER_YEAR, program_cost
from securecomm.program.errors import ReferenceDataError
from securecomm.program.facilities import Facility
from securecomm.program.reference import ReferenceFigures
from securecomm.program.registry import generate_registry
from securecomm.program.scenario import Scenario, build_scenario
from securecomm.program.simulation import (
    L1,
    L2,
    L3,
    Event,
    SimulationResult,
    Source,
    simulate,
)

TOLERANCE = 0.10
CONVICTED = (L1, L2, L3)
SC_START = date(2008, 10, 27)
MID_2011 = date(2011, 7, 1)
EARLY_2012 = date(2012, 2, 1)
SC = (Source.SC,)

Results = Mapping[str, SimulationResult]


@dataclass(frozen=True)
class Target:
    id: str
    scenario: str
    definition: str
    metric: Callable[[Results], float]
    role: str = "check"  # "check" (independent) or "fit"
    #: "value": compared with the row; "range": with the low..high rows named in ``bounds``.
    comparison: str = "value"
    bounds: tuple[str, str] | None = None


def _fy(year: int) -> tuple[date, date]:
    return date(year - 1, 10, 1), date(year, 10, 1)


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def _submissions(r: SimulationResult, start: date, end: date) -> float:
    return float(r.submissions[r.window(start, end)].sum()) / r.scale


def _detainers_peak_month(r: SimulationResult) -> float:
    start, end = date(2008, 10, 1), date(2012, 10, 1)
    best = 0.0
    month = start
    while month < end:
        nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        best = max(best, r.count(Event.DETAINER, month, nxt))
        month = nxt
    return best


def _plan_cost_full_year(r: SimulationResult) -> float:
    end = r.scenario.end
    start = date(end.year - 1, end.month, end.day)
    return program_cost(r, start, end).total


def _plan_level1_cost(r: SimulationResult) -> float:
    start = r.scenario.start
    end = date(2012, 4, 1)  # 3.5 years
    return program_cost(r, start, end, levels=(L1,)).total


def _criminal_aliens_per_year(r: SimulationResult) -> float:
    """Removable persons identified in criminal custody in the last full year, all levels.

    The plan's "criminal aliens ... detained each year at federal, state and local prisons and
    jails" are the removable aliens held on a criminal charge or conviction; its levels sort
    them by the offence (its cost, $2-3 billion for 300,000-450,000 people, is the same
    $6,667 per person at both ends, i.e. the cost of removing that whole population).
    """
    end = r.scenario.end
    start = date(end.year - 1, end.month, end.day)
    return r.count(Event.MATCH, start, end) - r.count(Event.NOT_REMOVABLE, start, end)


def removed_convicted(
    r: SimulationResult,
    start: date | None,
    end: date | None,
    sources: tuple[Source, ...] | None = None,
) -> float:
    """Removals of persons with a conviction recorded at removal.

    ICE classifies a removal by the convictions on record when the person is removed: a
    conviction before the match (levels 1-3) or on the booking charge, if it was disposed of
    before the removal (:attr:`Event.CONVICTED_BEFORE_REMOVAL`).
    """
    return r.count(Event.REMOVED, start, end, sources=sources, levels=CONVICTED) + r.count(
        Event.CONVICTED_BEFORE_REMOVAL, start, end, sources=sources
    )


def _oig_identified(r: SimulationResult) -> float:
    """Matched persons the LESC did not find lawfully present or citizens, to 31 Jan 2012."""
    return r.count(Event.MATCH, SC_START, EARLY_2012, sources=SC) - r.count(
        Event.NOT_REMOVABLE, SC_START, EARLY_2012, sources=SC
    )


def _ice_criminal_removals(r: SimulationResult, fiscal_year: int) -> float:
    """All of ICE's criminal removals in a fiscal year: the simulated jail and prison channels
    (CAP, 287(g), DEPORT) plus the channels outside the model (fugitive operations, border and
    other), which are an input (:class:`OtherChannelParameters`)."""
    simulated = removed_convicted(r, *_fy(fiscal_year))
    return simulated + r.scenario.other_channels.criminal_removals(fiscal_year)


TARGETS: tuple[Target, ...] = (
    Target(
        "seed_charged_fy2007",
        "cap_fy2007",
        "detainers with charging documents lodged Oct 2006-Sep 2007, all sources",
        lambda rs: rs["cap_fy2007"].count(Event.DETAINER, *_fy(2007)),
        role="fit",
    ),
    Target(
        "seed_removed_criminal_fy2007",
        "cap_fy2007",
        "all ICE removals of persons with a conviction recorded at removal, Oct 2006-Sep 2007: "
        "simulated CAP, 287(g) and DEPORT channels + fugitive operations and border/other "
        "(input flow, the border/other part fitted to this row)",
        lambda rs: _ice_criminal_removals(rs["cap_fy2007"], 2007),
        role="fit",
    ),
    Target(
        "seed_removed_criminal_fy2006",
        "cap_fy2007",
        "as seed_removed_criminal_fy2007, Oct 2005-Sep 2006 (fugitive operations at their FY2006 "
        "level, border/other as fitted for FY2007)",
        lambda rs: _ice_criminal_removals(rs["cap_fy2007"], 2006),
    ),
    Target(
        "sc_submissions_mid2011",
        "sc_rollout",
        "bookings submitted from interoperable facilities, 27 Oct 2008 - 30 Jun 2011",
        lambda rs: _submissions(rs["sc_rollout"], SC_START, MID_2011),
        role="fit",
    ),
    Target(
        "sc_matches_mid2011",
        "sc_rollout",
        "IDENT matches of those submissions, same window",
        lambda rs: rs["sc_rollout"].count(Event.MATCH, SC_START, MID_2011, sources=SC),
        role="fit",
    ),
    Target(
        "sc_ice_arrests_mid2011",
        "sc_rollout",
        "ICE arrests (book-ins) of persons identified by a match, same window",
        lambda rs: rs["sc_rollout"].count(Event.ARREST, SC_START, MID_2011, sources=SC),
    ),
    Target(
        "sc_removals_mid2011",
        "sc_rollout",
        "removals of persons identified by a match, same window",
        lambda rs: rs["sc_rollout"].count(Event.REMOVED, SC_START, MID_2011, sources=SC),
        role="fit",  # the summary-removal pathway shares are fitted to it (scenario.py)
    ),
    Target(
        "sc_convicted_share_removals",
        "sc_rollout",
        "removals of matched persons with a conviction recorded at removal / all their "
        "removals, Oct 2008-Mar 2012",
        lambda rs: _ratio(
            removed_convicted(rs["sc_rollout"], SC_START, date(2012, 4, 1), sources=SC),
            rs["sc_rollout"].count(Event.REMOVED, SC_START, date(2012, 4, 1), sources=SC),
        ),
    ),
    Target(
        "sc_noncriminal_share_removals_2010",
        "sc_rollout",
        "removals of matched persons with no conviction recorded at removal / all their "
        "removals, 27 Oct 2008 - 30 Jun 2010",
        lambda rs: _ratio(
            rs["sc_rollout"].count(Event.REMOVED, SC_START, date(2010, 7, 1), sources=SC)
            - removed_convicted(rs["sc_rollout"], SC_START, date(2010, 7, 1), sources=SC),
            rs["sc_rollout"].count(Event.REMOVED, SC_START, date(2010, 7, 1), sources=SC),
        ),
    ),
    Target(
        "oig_identified_2012",
        "sc_rollout",
        "matched persons not found lawfully present or citizens by the LESC (identified "
        "removable aliens), 27 Oct 2008 - 31 Jan 2012",
        lambda rs: _oig_identified(rs["sc_rollout"]),
    ),
    Target(
        "oig_removed_2012",
        "sc_rollout",
        "removals of matched persons, 27 Oct 2008 - 31 Jan 2012",
        lambda rs: rs["sc_rollout"].count(Event.REMOVED, SC_START, EARLY_2012, sources=SC),
    ),
    Target(
        "oig_identified_detained_share",
        "sc_rollout",
        "matched persons taken into ICE custody (arrests) / the identified removable aliens of "
        "oig_identified_2012 (the same report's denominator), to 31 Jan 2012",
        lambda rs: _ratio(
            rs["sc_rollout"].count(Event.ARREST, SC_START, EARLY_2012, sources=SC),
            _oig_identified(rs["sc_rollout"]),
        ),
        # The size of ICE's discretion after the June 2011 memoranda is fitted to it (scenario.py,
        # HISTORICAL_DISCRETION).
        role="fit",
    ),
    Target(
        "detainers_fy2012",
        "sc_rollout",
        "detainers lodged Oct 2011-Sep 2012, all sources (SC, CAP, 287(g), DEPORT)",
        lambda rs: rs["sc_rollout"].count(Event.DETAINER, *_fy(2012)),
    ),
    Target(
        "detainers_peak_month",
        "sc_rollout",
        "largest calendar-month count of detainers lodged, Oct 2008-Sep 2012, all sources",
        lambda rs: _detainers_peak_month(rs["sc_rollout"]),
    ),
    Target(
        "seed_criminal_aliens_low",
        "plan_low",
        "removable persons identified in jails and prisons (held on a criminal charge or "
        "conviction, all levels), last year at full coverage (compared with the plan's range)",
        lambda rs: _criminal_aliens_per_year(rs["plan_low"]),
        comparison="range",
        bounds=("seed_criminal_aliens_low", "seed_criminal_aliens_high"),
    ),
    Target(
        "seed_criminal_aliens_high",
        "plan_high",
        "as seed_criminal_aliens_low, in the high-assumption run",
        lambda rs: _criminal_aliens_per_year(rs["plan_high"]),
        comparison="range",
        bounds=("seed_criminal_aliens_low", "seed_criminal_aliens_high"),
    ),
    Target(
        "seed_cost_all_low",
        "plan_low",
        "program cost of removing everyone identified as removable (detention to removal, "
        "transport, court, staff, systems), last year at full coverage, plan's low assumptions "
        "(3 months in local custody, $129 bed-day, no discretion)",
        lambda rs: _plan_cost_full_year(rs["plan_low"]),
        comparison="range",
        bounds=("seed_cost_all_low", "seed_cost_all_high"),
    ),
    Target(
        "seed_cost_all_high",
        "plan_high",
        "as seed_cost_all_low with the high assumptions (6 months, $159 bed-day)",
        lambda rs: _plan_cost_full_year(rs["plan_high"]),
        comparison="range",
        bounds=("seed_cost_all_low", "seed_cost_all_high"),
    ),
    Target(
        "seed_level1_cost_low",
        "plan_low",
        "cost of Level 1 persons over the plan's first 3.5 years, plus all systems cost",
        lambda rs: _plan_level1_cost(rs["plan_low"]),
        comparison="range",
        bounds=("seed_level1_cost_low", "seed_level1_cost_high"),
    ),
    Target(
        "seed_level1_cost_high",
        "plan_high",
        "as seed_level1_cost_low with the high assumptions",
        lambda rs: _plan_level1_cost(rs["plan_high"]),
        comparison="range",
        bounds=("seed_level1_cost_low", "seed_level1_cost_high"),
    ),
)

NOT_COMPARED: dict[str, str] = {
    "seed_removed_total_fy2007": "all ICE removals incl. border and non-criminal cases; the "
    "simulation models the interior jail and prison pipeline only",
    "seed_removed_total_fy2006": "as seed_removed_total_fy2007",
    "seed_local_jails": "registry size (the plan's tier table gives 3,134 county/city "
    "facilities, which the registry reproduces exactly)",
    "seed_local_jail_coverage": "input: share of local jails with CAP on site",
    "seed_cap_teams": "input: CAP teams",
    "seed_custody_months_low": "input: the plan's local-custody assumption (plan_low)",
    "seed_custody_months_high": "input: the plan's local-custody assumption (plan_high)",
    "seed_level1_years": "input: the plan's 3.5-year window",
    "seed_fy2008_appropriation": "a budget line, not an outcome of operations",
    "seed_deport_screened": "cumulative 2006-2008 DEPORT volume; federal intake is an input",
    "seed_deport_charging": "DEPORT charging documents 2006-2008: not separated in the model "
    "from detainers",
    "seed_deport_detainers": "DEPORT detainers 2006-2008 (the runs start later)",
    "seed_deport_bop_facilities": "input: federal facilities in the registry",
    "seed_287g_agreements": "input: 287(g) jail agreements (task-force agreements not modelled)",
    "seed_287g_identified": "cumulative 287(g) identifications incl. task-force models since 2006",
    "seed_tier_state": "input: tier quotas (reproduced exactly, see the tests)",
    "seed_tier_county_city": "input: tier quotas (reproduced exactly, see the tests)",
    "detention_adp_fy2017": "all ICE detention in FY2017 incl. border cases; outside the "
    "simulated period and pipeline",
    "detention_alos_fy2017": "input: the measured stay that replaces the plan's assumption "
    "(side-by-side table)",
    "detention_bed_day_cost_low": "input: cost parameter",
    "detention_bed_day_cost_high": "input: cost parameter",
    "atd_day_cost_low": "input: cost parameter",
    "atd_day_cost_high": "input: cost parameter",
    "gao_potential_usc_arrested": "FY2015-FY2020 period not simulated",
    "gao_potential_usc_detained": "FY2015-FY2020 period not simulated",
    "gao_potential_usc_removed": "FY2015-FY2020 period not simulated",
    "bjs_jail_admissions_2019": "input: booking volume (2019 point of the volume series)",
    "ident_identities": "size of IDENT across all DHS uses; not a pipeline outcome",
    "ident_daily_transactions": "IDENT transactions across all DHS uses",
}


@dataclass(frozen=True)
class CalibrationRow:
    id: str
    reference: float
    simulated: float
    relative_difference: float
    within_tolerance: bool
    role: str
    comparison: str
    scenario: str
    definition: str

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "reference": self.reference,
            "simulated": self.simulated,
            "relative_difference": self.relative_difference,
            "within_tolerance": self.within_tolerance,
            "role": self.role,
            "comparison": self.comparison,
            "scenario": self.scenario,
            "definition": self.definition,
        }


def compare(target: Target, figures: ReferenceFigures, simulated: float) -> CalibrationRow:
    reference = figures[target.id].value
    if target.comparison == "range":
        assert target.bounds is not None
        low, high = (figures[b].value for b in target.bounds)
        if simulated < low:
            rel = (simulated - low) / low
        elif simulated > high:
            rel = (simulated - high) / high
        else:
            rel = 0.0
    else:
        rel = (simulated - reference) / reference if reference else float("inf")
    ok = bool(np.isfinite(rel) and abs(rel) <= TOLERANCE)
    return CalibrationRow(
        target.id,
        reference,
        simulated,
        float(rel),
        ok,
        target.role,
        target.comparison,
        target.scenario,
        target.definition,
    )


def check_coverage(figures: ReferenceFigures) -> None:
    """Every row of the reference file is either compared or explained."""
    compared = {t.id for t in TARGETS}
    missing = [rid for rid in figures if rid not in compared and rid not in NOT_COMPARED]
    if missing:
        raise ReferenceDataError(
            f"{figures.path}: rows neither compared nor explained: {', '.join(missing)}"
        )


def scenario_names() -> list[str]:
    names = {t.scenario for t in TARGETS} | {"measured_low", "measured_high"}
    return sorted(names)


def run_scenarios(
    names: list[str],
    seed: int,
    *,
    scale: float,
    progress: Callable[[str, int, int], None] | None = None,
    scenarios: Mapping[str, Scenario] | None = None,
    only: Collection[str] | None = None,
) -> tuple[dict[str, SimulationResult], list[Facility]]:
    """Run each named scenario on one registry; each run has its own child random stream.

    ``only``: run just these of ``names``; the streams are still dealt over all ``names``, so
    such a run is identical to the same scenario's run in the full set.
    """
    root = np.random.SeedSequence(seed)
    registry_seq, *run_seqs = root.spawn(1 + len(names))
    built = {n: (scenarios or {}).get(n) or build_scenario(n) for n in names}
    first = built[names[0]]
    facilities = generate_registry(
        first.registry, first.bookings, np.random.default_rng(registry_seq)
    )
    results: dict[str, SimulationResult] = {}
    for name, seq in zip(names, run_seqs, strict=True):
        if only is not None and name not in only:
            continue

        def tick(done: int, total: int, _name: str = name) -> None:
            if progress is not None:
                progress(_name, done, total)

        results[name] = simulate(
            built[name],
            facilities,
            np.random.default_rng(seq),
            scale=scale,
            env=simpy.Environment(),
            progress=tick,
        )
    return results, facilities


def calibrate(figures: ReferenceFigures, results: Results) -> list[CalibrationRow]:
    check_coverage(figures)
    return [compare(t, figures, float(t.metric(results))) for t in TARGETS if t.scenario in results]


def side_by_side(results: Results) -> list[dict[str, object]]:
    """The plan's assumptions against measured values, per variant (last full year)."""
    rows: list[dict[str, object]] = []
    for variant in ("low", "high"):
        for kind in ("plan", "measured"):
            name = f"{kind}_{variant}"
            if name not in results:
                continue
            r = results[name]
            end = r.scenario.end
            start = date(end.year - 1, end.month, end.day)
            w = r.window(start, end)
            bed_days = float(r.detention[:, w].sum()) / r.scale
            admissions = r.count(Event.DETAINED, start, end)
            cost = program_cost(r, start, end)
            rows.append(
                {
                    "scenario": name,
                    "local_custody": (
                        f"{r.scenario.custody.plan_local_custody_days / 30.44:g} months (plan)"
                        if r.scenario.custody.plan_local_custody_days
                        else "measured (jail days by level)"
                    ),
                    "identified_per_year": r.count(Event.MATCH, start, end),
                    "missed_before_interview": r.count(Event.MISSED, start, end),
                    "detainers_per_year": r.count(Event.DETAINER, start, end),
                    "arrests_per_year": r.count(Event.ARREST, start, end),
                    "removals_per_year": r.count(Event.REMOVED, start, end),
                    "convicted_share_of_removals": _ratio(
                        removed_convicted(r, start, end), r.count(Event.REMOVED, start, end)
                    ),
                    "average_daily_detained": bed_days / ((w.stop - w.start) or 1),
                    "average_length_of_stay_days": bed_days / admissions if admissions else 0.0,
                    "cost_per_year": cost.total,
                    "cost_per_removal": cost.total / max(r.count(Event.REMOVED, start, end), 1),
                    "level1_cost_3_5_years": _plan_level1_cost(r),
                    "court_backlog_end": float(r.court_backlog[w.stop - 1]) / r.scale,
                    "length_of_stay_by_pathway_days": r.length_of_stay_by_pathway,
                    "interview_modes": {k: v / r.scale for k, v in r.interview_modes.items()},
                    "years": (w.stop - w.start) / DAYS_PER_YEAR,
                }
            )
    return rows
