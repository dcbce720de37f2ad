"""Scenario parameters: every tuning value of the planning model, in one place, with its source.

Each parameter is a dataclass field whose ``metadata["source"]`` says where the value comes from:

- ``reference:<id>``: a row of ``program_figures.csv`` used as an *input* (never as a compared
  output of the same run);
- ``assumption: …``: a documented value from outside the reference file (public statistics,
  the plan's own assumptions, or a judgement that is stated as such);
- ``calibrated: …``: a value with no independent measurement, chosen so that the model matches
  the named reference row(s). Those rows are marked ``fit`` in the calibration table, so a reader
  can tell a fit from an independent check.

Scenarios are built by :func:`build_scenario` from a name; what-if variants use
``dataclasses.replace``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date
from typing import Any

from securecomm.program.errors import ScenarioError


def param(value: Any, source: str) -> Any:
    """A dataclass field with a default and the source of that default."""
    if isinstance(value, (list, dict, set)):
        raise TypeError("use tuples for sequence parameters (frozen dataclasses)")
    return field(default=value, metadata={"source": source})


# --------------------------------------------------------------------------- registry
@dataclass(frozen=True)
class RegistryParameters:
    """How the synthetic facility registry is generated."""

    state_tier_counts: tuple[int, int, int, int] = param(
        (24, 437, 560, 104), "reference:seed_tier_state"
    )
    county_city_tier_counts: tuple[int, int, int, int] = param(
        (4, 123, 757, 2250), "reference:seed_tier_county_city"
    )
    federal_facilities: int = param(87, "reference:seed_deport_bop_facilities")
    #: Log-normal spread of annual bookings between facilities of a kind (sigma of log volume).
    local_volume_sigma: float = param(
        1.3, "assumption: jail sizes span 3 orders of magnitude (BJS Census of Jails)"
    )
    state_volume_sigma: float = param(0.9, "assumption: state prison intake spread")
    #: Concentration of the Beta distribution of foreign-born share between facilities.
    foreign_born_concentration: float = param(
        6.0, "assumption: foreign-born share varies several-fold between counties (ACS)"
    )
    #: Concentration of the Dirichlet distribution of the level mix between facilities.
    level_mix_concentration: float = param(25.0, "assumption: moderate spread between jails")
    #: Share of local jails with full ICE screening coverage (CAP on site) before the program.
    local_cap_coverage: float = param(0.10, "reference:seed_local_jail_coverage")
    #: Share of state prisons screened by CAP's Institutional Removal Program.
    state_cap_coverage: float = param(
        0.9, "assumption: CAP's IRP screened nearly all state prisons"
    )
    #: Share of facilities without CAP on site that have a video-teleconference link.
    video_share: float = param(0.15, "assumption: VTC at a minority of jails in 2008")
    #: 287(g) jail agreements (the 47 agreements include task-force-only ones).
    jail_287g_agreements: int = param(
        30, "assumption: about two thirds of reference:seed_287g_agreements are jail models"
    )


# --------------------------------------------------------------------------- bookings
@dataclass(frozen=True)
class BookingParameters:
    """National booking volumes and who among the booked has an immigration record."""

    #: Local jail admissions per calendar year (linearly interpolated between years).
    jail_admissions_by_year: tuple[tuple[int, float], ...] = param(
        (
            (2005, 12.9e6),
            (2006, 13.0e6),
            (2007, 13.1e6),
            (2008, 13.6e6),
            (2009, 12.8e6),
            (2010, 12.9e6),
            (2011, 11.8e6),
            (2012, 11.6e6),
            (2019, 10.3e6),
        ),
        "assumption: BJS Jail Inmates at Midyear series (approximate); 2019 is "
        "reference:bjs_jail_admissions_2019",
    )
    state_prison_admissions: float = param(
        6.5e5, "assumption: BJS Prisoners series, new state admissions 2006-2012 (approximate)"
    )
    federal_admissions: float = param(5.0e4, "assumption: BOP admissions per year (approximate)")
    #: Mean foreign-born share of bookings (facility shares vary around it).
    foreign_born_share: float = param(
        0.11, "assumption: foreign-born 12.5 % of residents (ACS 2008-2010), arrests similar"
    )
    #: Share of foreign-born booked persons whose prints are in IDENT.
    ident_record_share: float = param(
        0.37,
        "calibrated: no independent measurement; fit to sc_matches_mid2011 / "
        "sc_submissions_mid2011",
    )
    #: National level mix of matched persons (L1, L2, L3, no conviction).
    level_mix: tuple[float, float, float, float] = param(
        (0.12, 0.20, 0.28, 0.40),
        "assumption: order of the level breakdowns in ICE's interoperability statistics",
    )
    #: Share of matched persons who are not removable (U.S. citizens by naturalisation or
    #: derivation, lawful status without removable convictions).
    not_removable_share: float = param(
        0.22, "assumption: IDENT holds naturalised citizens and lawful residents"
    )
    #: Share of federal (BOP) intake that is foreign-born.
    federal_foreign_born_share: float = param(0.25, "assumption: BOP citizenship statistics")
    #: Seasonal swing of local jail bookings: bookings on day-of-year d are multiplied by
    #: ``1 + amplitude × cos(2π (d − peak_day) / 365.25)`` (mean 1 over a year, so the annual
    #: volumes are unchanged).
    seasonal_amplitude: float = param(
        0.07,
        "assumption: arrests and reported crime peak in summer and bottom out in winter, "
        "about ±5-10 % around the monthly mean (FBI UCR monthly arrest counts; BJS, "
        "Seasonal Patterns in Criminal Victimization Trends, 2014)",
    )
    seasonal_peak_day: float = param(
        200.0, "assumption: the summer peak of arrests (July-August; day 200 = 19 July)"
    )


# --------------------------------------------------------------------------- custody
@dataclass(frozen=True)
class CustodyParameters:
    """How long people stay in local custody before release (the window for ICE to act)."""

    #: Mean days in a county/city jail after booking, by level (L1, L2, L3, none).
    jail_days: tuple[float, float, float, float] = param(
        (75.0, 30.0, 12.0, 4.0),
        "assumption: BJS average jail stay about 3-4 weeks; longer for serious convictions",
    )
    #: Mean days served in a state or federal prison after intake.
    prison_days: float = param(700.0, "assumption: BJS time served, state prisons")
    #: If set, every person's local custody is this many days on average (the plan's
    #: assumption: 3-6 months).
    plan_local_custody_days: float | None = param(None, "measured custody (jail_days)")
    #: A person booked with no prior conviction (level "none") still has the booking charge
    #: pending; it ends in a conviction with this probability ...
    pending_charge_conviction: float = param(
        0.6,
        "assumption: about two thirds of felony defendants are convicted, fewer of the "
        "misdemeanour arrests (BJS, Felony Defendants in Large Urban Counties 2009)",
    )
    #: ... after this many days on average (exponential) from the booking. ICE's removal
    #: statistics classify a person by the convictions recorded when they are removed, so a
    #: removal after the disposition counts as a convicted person's removal.
    pending_charge_disposition_days: float = param(
        90.0,
        "assumption: median felony case about 3-4 months from arrest to adjudication, "
        "misdemeanours faster (BJS, Felony Defendants in Large Urban Counties 2009)",
    )


# --------------------------------------------------------------------------- capacity
@dataclass(frozen=True)
class CapacityParameters:
    """Teams, specialists, beds and judges."""

    cap_teams: int = param(119, "reference:seed_cap_teams")
    officers_per_team: int = param(6, "assumption: a CAP team is a supervisor and 5-7 officers")
    interview_hours_in_person: float = param(1.5, "assumption")
    interview_hours_video: float = param(1.0, "assumption")
    #: Remote facilities without CAP on site or video: travel or telephone, slower.
    interview_hours_remote: float = param(3.0, "assumption: travel or telephone interview")
    #: Hours an officer spends on a case after the interview (detainer, charging, book-in).
    processing_hours: float = param(4.0, "assumption")
    officer_hours_per_day: float = param(8.0, "assumption")
    #: LESC specialists answering IAQs (immigration alien queries).
    lesc_specialists: int = param(200, "assumption: LESC staffing about 2008")
    lesc_minutes_per_query: float = param(20.0, "assumption")
    #: DEPORT centre officers interviewing federal prisoners by video/telephone.
    deport_officers: int = param(20, "assumption")
    #: Detention beds available to this pipeline (the rest hold border cases).
    detention_beds: int = param(
        22000, "assumption: about two thirds of the 33,400 funded beds (FY2009-FY2012)"
    )
    #: Immigration-judge equivalents hearing these cases (detained docket first).
    judge_equivalents: int = param(50, "assumption: share of about 260 judges (EOIR 2011)")
    completions_per_judge_year: float = param(1100.0, "assumption: EOIR statistics")
    #: What-if: every facility gets a video link.
    video_everywhere: bool = param(False, "the registry's video links")


# --------------------------------------------------------------------------- enforcement
@dataclass(frozen=True)
class EnforcementParameters:
    """What ICE and the jails do with an identified removable person."""

    #: Probability that ICE lodges a detainer after the interview, by level.
    detainer_probability: tuple[float, float, float, float] = param(
        (0.95, 0.85, 0.75, 0.55), "assumption: ICE priorities memo (2010) ordering"
    )
    #: The jails' answers to detainers: honoured, notify-only, declined.
    detainer_answers: tuple[float, float, float] = param(
        (0.90, 0.07, 0.03), "assumption: declines were rare before 2012"
    )
    #: Probability that ICE picks up a person when the jail only notifies of release.
    notify_pickup: float = param(0.5, "assumption")
    #: Share of arrested persons removed without a hearing (reinstatement, expedited,
    #: stipulated order, voluntary return), by level.
    summary_removal_share: tuple[float, float, float, float] = param(
        (0.18, 0.23, 0.28, 0.33),
        "calibrated: fit to sc_removals_mid2011 (pathway shares of SC arrests not published)",
    )
    #: Days from arrest to removal on the summary pathways (detained).
    summary_removal_days: float = param(18.0, "assumption")
    #: Probability of detention pending a hearing, by level (L1 is mandatory detention).
    detention_probability: tuple[float, float, float, float] = param(
        (0.97, 0.80, 0.60, 0.40), "assumption: INA 236(c) mandatory detention for L1"
    )
    #: Share of the non-detained placed on Alternatives to Detention (the rest on bond).
    alternatives_share: float = param(0.35, "assumption")
    #: Probability of a removal order at the hearing: detained, not detained.
    order_probability: tuple[float, float] = param((0.85, 0.55), "assumption: EOIR outcomes")
    #: Probability that a non-detained person with a final order is removed.
    nondetained_order_executed: float = param(0.35, "assumption: many orders unexecuted")
    #: Days from a final order to removal (travel document and transport).
    removal_logistics_days: float = param(14.0, "assumption")
    #: Share of state prisoners on Rapid REPAT (conditional early release for removal).
    rapid_repat_share: float = param(0.03, "assumption: few participating states")
    #: A case is heard while the person is still in local custody (institutional hearing) when
    #: at least this many days of the local sentence remain after the detainer.
    institutional_hearing_min_days: float = param(
        60.0, "assumption: IRP hearings need about two months"
    )
    #: Days of detention before a hearing for a detained case beyond the queue.
    detained_hearing_prep_days: float = param(10.0, "assumption")
    #: Date from which ICE exercises prosecutorial discretion when a detained person is due to
    #: be taken into ICE custody (``None``: no change of policy during the run). The dated
    #: change is ICE Director Morton's memoranda of 17 June 2011 ("Exercising Prosecutorial
    #: Discretion Consistent with the Civil Immigration Enforcement Priorities ...", which names
    #: whom to "detain or release" and detainers among the decisions subject to discretion, and
    #: the companion memo on victims and witnesses), applying the 2 March 2011 priorities
    #: (convicted criminals first, Level 1 before Level 2 before Level 3).
    discretion_from: date | None = param(  # noqa: RUF009 (a date is immutable)
        None, "no change of ICE's policy during the run"
    )
    #: From ``discretion_from``: share of persons with a lodged detainer whose case would go to
    #: court (not summary removal, Rapid REPAT or an order made in custody) whom ICE does not
    #: take into custody when their local custody ends, by level (L1, L2, L3, none). The
    #: detainer is still lodged (and counted): discretion is exercised at the custody decision.
    discretion_share: tuple[float, float, float, float] = param(
        (0.0, 0.0, 0.0, 0.0),
        "none without a dated policy; in sc_rollout 0.9 for Level 3 and no-conviction court "
        "cases (the lowest priorities) from 17 June 2011: calibrated, fit to "
        "oig_identified_detained_share (no published count of cases released under the "
        "memoranda; see HISTORICAL_DISCRETION)",
    )
    #: What-if only, no named scenario uses it: from ``discretion_from``, share of the detainers
    #: ICE would have lodged that it no longer lodges, by level (L1, L2, L3, none). Its
    #: published readings (:data:`NO_CONVICTION_DETAINER_CUTS`) do not reproduce the FY2012
    #: detainers, so it stays off (docs/program.md, "Rows not reached").
    detainer_discretion_share: tuple[float, float, float, float] = param(
        (0.0, 0.0, 0.0, 0.0),
        "none in every named scenario (what-if only): the published TRAC shares give no size "
        "that keeps detainers_fy2012; see NO_CONVICTION_DETAINER_CUTS",
    )


# --------------------------------------------------------------------------- costs
@dataclass(frozen=True)
class CostParameters:
    bed_day: float = param(129.0, "reference:detention_bed_day_cost_low")
    atd_day: float = param(4.27, "midpoint of reference:atd_day_cost_low and _high")
    transport_per_removal: float = param(1500.0, "assumption: ICE Air and ground (2010s)")
    officer_year: float = param(150000.0, "assumption: loaded cost of an officer")
    lesc_specialist_year: float = param(110000.0, "assumption")
    #: Systems: interoperability operations and maintenance per year.
    systems_per_year: float = param(60e6, "assumption")
    #: Systems: one-time deployment per facility activated.
    deployment_per_facility: float = param(25000.0, "assumption: livescan upgrades, links")
    court_case: float = param(1500.0, "assumption: ICE attorney time per hearing")


# --------------------------------------------------------------------------- rollout
@dataclass(frozen=True)
class RolloutParameters:
    """When each tier gets interoperability; within a tier in risk order, evenly in time."""

    #: (start, end) of activation per tier I..IV; ``None``: never in this scenario.
    tier_windows: tuple[tuple[date, date] | None, ...] = param(
        (None, None, None, None), "no interoperability"
    )
    #: Spread of the activation order around pure risk order (0: strictly by risk).
    order_noise: float = param(
        0.0,
        "0 in the plan (strict risk order); 2.5 in sc_rollout: calibrated, fit to "
        "sc_submissions_mid2011 (the deployed order is not published facility by facility)",
    )
    #: ``risk`` (the plan), or for what-if ``reverse`` / ``random``: same pace, other order.
    order: str = param("risk", "the plan: highest risk first")
    #: Federal prisons: DEPORT centre screening active.
    deport_active: bool = param(True, "DEPORT centre operating since 2006")


# --------------------------------------------------------------------------- other channels
@dataclass(frozen=True)
class OtherChannelParameters:
    """Criminal removals by ICE that do not pass through the jail and prison screening.

    ICE's totals (``seed_removed_criminal_fy2006/2007``) count every removal of a person with a
    criminal record, whatever the channel. The simulation models the jail and prison channels
    (CAP, 287(g), DEPORT, later Secure Communities); the others are an input flow, added to the
    simulated removals only where a figure counts all of ICE. They are not simulated people.
    """

    #: Criminal removals from the National Fugitive Operations Program, by fiscal year:
    #: arrests (15,462 in FY2006, 30,408 in FY2007) × the share with a criminal conviction.
    fugitive_operations_by_fy: tuple[tuple[int, float], ...] = param(
        ((2006, 15462 * 0.27), (2007, 30408 * 0.27)),
        "assumption: NFOP arrests FY2006/FY2007 (ICE press releases, Dec 2007); 27 % of NFOP "
        "arrests 2003-2008 had a criminal conviction (Migration Policy Institute, Collateral "
        "Damage, 2009)",
    )
    #: Criminal removals of people apprehended at the border and ports of entry or by other
    #: ICE investigations (worksite, gangs), per year. No published split by channel exists.
    border_and_other_per_year: float = param(
        15000.0,
        "calibrated: fit to seed_removed_criminal_fy2007 (95,000 minus the simulated jail and "
        "prison channels' 71,800, median of seeds 1-2 at 3 % scale, minus fugitive operations' "
        "8,210; rounded to 1,000); no published split of ICE's criminal removals by channel",
    )

    def criminal_removals(self, fiscal_year: int) -> float:
        """Criminal removals from the channels outside the model in a fiscal year."""
        fugitive = dict(self.fugitive_operations_by_fy).get(fiscal_year)
        if fugitive is None:
            raise ScenarioError(f"no fugitive-operations figure for FY{fiscal_year}")
        return fugitive + self.border_and_other_per_year


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    start: date
    end: date
    registry: RegistryParameters = field(default_factory=RegistryParameters)
    bookings: BookingParameters = field(default_factory=BookingParameters)
    custody: CustodyParameters = field(default_factory=CustodyParameters)
    capacity: CapacityParameters = field(default_factory=CapacityParameters)
    enforcement: EnforcementParameters = field(default_factory=EnforcementParameters)
    costs: CostParameters = field(default_factory=CostParameters)
    rollout: RolloutParameters = field(default_factory=RolloutParameters)
    other_channels: OtherChannelParameters = field(default_factory=OtherChannelParameters)
    #: Probability that a foreign-born booking at a facility with CAP on site (or 287(g)) is
    #: referred to CAP without interoperability (jail lists, self-declared place of birth).
    cap_referral: float = param(
        0.32, "calibrated: fit to seed_charged_fy2007 (no independent measurement)"
    )

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def day_of(self, when: date) -> int:
        return (when - self.start).days


def parameter_sources(obj: Any, prefix: str = "") -> Iterator[tuple[str, Any, str]]:
    """Yield (dotted name, value, source) for every sourced parameter of a scenario."""
    for f in fields(obj):
        value = getattr(obj, f.name)
        name = f"{prefix}{f.name}"
        if is_dataclass(value) and not isinstance(value, type):
            yield from parameter_sources(value, prefix=name + ".")
        elif "source" in f.metadata:
            yield name, value, f.metadata["source"]


# --------------------------------------------------------------------------- named scenarios
#: As deployed (assumption shaped on ICE's activated-jurisdiction counts: about 100 by the end
#: of FY2009, about 700 by the end of FY2010, about 1,500 by mid-2011, all by 22 Jan 2013);
#: activation followed states' agreements as much as risk (``order_noise``).
HISTORICAL_ROLLOUT = RolloutParameters(
    order_noise=2.5,
    tier_windows=(
        (date(2008, 10, 27), date(2010, 3, 31)),
        (date(2009, 4, 1), date(2011, 9, 30)),
        (date(2010, 1, 1), date(2012, 9, 30)),
        (date(2010, 10, 1), date(2013, 1, 22)),
    ),
)
PLAN_ROLLOUT = RolloutParameters(
    tier_windows=(
        (date(2008, 10, 1), date(2009, 3, 31)),
        (date(2009, 4, 1), date(2010, 3, 31)),
        (date(2010, 4, 1), date(2011, 6, 30)),
        (date(2011, 7, 1), date(2012, 3, 31)),
    )
)


def cap_fy2007() -> Scenario:
    """Before interoperability: CAP teams screen jails and prisons by interview (FY2007)."""
    return Scenario(
        name="cap_fy2007",
        description="FY2007: CAP jail and prison screening without interoperability",
        start=date(2001, 10, 1),
        end=date(2007, 10, 1),
    )


#: Date of the prosecutorial-discretion memoranda (ICE Director John Morton, 17 June 2011).
MORTON_MEMO_2011 = date(2011, 6, 17)

#: As deployed: from the June 2011 memoranda ICE declines to take into custody most of the
#: lowest-priority cases — Level 3 and no conviction, and only those that would need a court
#: case: people with a prior removal order or a recent entry (the summary pathway) remained
#: priorities 2 and 3 of the March 2011 memo whatever their convictions. The size (0.9, rounded
#: to 0.05, seeds 1-3 at 1 % scale) is fitted to ``oig_identified_detained_share`` (52 % of the
#: identified taken into custody by January 2012): the references imply about 82,000 ICE
#: arrests from July 2011 to January 2012 (0.52 × 692,000 − 277,825), against about 129,000
#: without the change. No published figure gives the number of cases released under the
#: memoranda, so that row is a ``fit``, not a check.
HISTORICAL_DISCRETION = replace(
    EnforcementParameters(),
    discretion_from=MORTON_MEMO_2011,
    discretion_share=(0.0, 0.0, 0.9, 0.9),
)


#: TRAC's published shares of ICE detainers whose subject had no criminal conviction on record:
#: 77.4 % of the nearly one million detainers of the 50 months FY2008 - Nov 2011
#: (https://trac.syr.edu/immigration/reports/310/) and 47.7 % of the 347,691 of FY2012 - Jan 2013
#: (https://trac.syr.edu/immigration/reports/330). Two readings of the fall, if it were all the
#: June 2011 memoranda's effect on detainers on no-conviction matches: convicted detainers
#: unchanged (odds ratio of the two shares), or the published monthly no-conviction counts
#: (taking "nearly one million" as 1,000,000, so this cut is an upper bound: 0.30 at 950,000).
#: The two releases are not alike (the earlier one withheld the nature of the convictions;
#: TRAC's counts imply convicted detainers rose 2.5-fold within a year), so neither is a
#: measured policy size; both are what-ifs (benchmarks/simulation_calibration.py
#: --detainer-whatif).
TRAC_NO_CONVICTION_SHARE_BEFORE = 0.774
TRAC_NO_CONVICTION_SHARE_AFTER = 0.477
TRAC_DETAINERS_BEFORE_PER_MONTH = 1_000_000 / 50
TRAC_DETAINERS_AFTER_PER_MONTH = 347_691 / 16


def _odds(share: float) -> float:
    return share / (1.0 - share)


NO_CONVICTION_DETAINER_CUTS: dict[str, float] = {
    # 1 - (0.477 / 0.523) / (0.774 / 0.226) = 0.734
    "odds": round(
        1.0 - _odds(TRAC_NO_CONVICTION_SHARE_AFTER) / _odds(TRAC_NO_CONVICTION_SHARE_BEFORE), 2
    ),
    # 1 - (0.477 x 21,731) / (0.774 x 20,000) = 0.330
    "counts": round(
        1.0
        - (TRAC_NO_CONVICTION_SHARE_AFTER * TRAC_DETAINERS_AFTER_PER_MONTH)
        / (TRAC_NO_CONVICTION_SHARE_BEFORE * TRAC_DETAINERS_BEFORE_PER_MONTH),
        2,
    ),
}


def sc_rollout() -> Scenario:
    """The historical rollout, Oct 2008 to the end of FY2012 (CAP continues alongside), with
    ICE's June 2011 prosecutorial discretion for the lowest-priority cases."""
    return Scenario(
        name="sc_rollout",
        description="Secure Communities as deployed: tiers activated Oct 2008 - Jan 2013; "
        "discretion for Level 3 and non-criminal cases from 17 June 2011",
        start=date(2007, 10, 1),
        end=date(2012, 10, 1),
        rollout=HISTORICAL_ROLLOUT,
        enforcement=HISTORICAL_DISCRETION,
    )


#: CAP teams the plan's full deployment needs so that no identified person is released for lack
#: of an officer (assumption: sized from the interview hours per identified person).
PLAN_CAP_TEAMS = 260


#: The plan's cost is the cost "to remove all" the criminal aliens it identifies: no
#: discretion (a detainer for everyone removable), every detainer honoured, everyone detained
#: from the end of local custody to removal, and every case ending in removal.
PLAN_REMOVES_ALL = EnforcementParameters(
    detainer_probability=(1.0, 1.0, 1.0, 1.0),
    detainer_answers=(1.0, 0.0, 0.0),
    detention_probability=(1.0, 1.0, 1.0, 1.0),
    order_probability=(1.0, 1.0),
    nondetained_order_executed=1.0,
)


def plan(variant: str = "low") -> Scenario:
    """The plan's assumptions: tiers in plan order, 3-6 months in local custody, everyone
    identified as removable is detained and removed, staff, beds and judges sized to demand."""
    if variant not in ("low", "high"):
        raise ScenarioError(f"plan variant must be 'low' or 'high', not {variant!r}")
    months = 3.0 if variant == "low" else 6.0
    base = Scenario(
        name=f"plan_{variant}",
        description=f"the plan's assumptions ({variant}: {months:g} months in local custody)",
        start=date(2008, 10, 1),
        end=date(2013, 4, 1),
        rollout=PLAN_ROLLOUT,
    )
    return replace(
        base,
        custody=replace(base.custody, plan_local_custody_days=months * 30.44),
        enforcement=PLAN_REMOVES_ALL,
        # The plan removes everyone identified: staff, beds and judges are sized to demand.
        capacity=replace(
            base.capacity,
            cap_teams=PLAN_CAP_TEAMS,
            detention_beds=10**7,
            judge_equivalents=400,
        ),
        costs=replace(
            base.costs,
            bed_day=129.0 if variant == "low" else 159.0,
        ),
    )


#: Detention stages (summary removal, hearing preparation, order to removal) in days, scaled so
#: the average stay is the measured one (reference:detention_alos_fy2017, 43.7 days).
MEASURED_STAY_DAYS = (36.0, 27.0, 32.0)


def measured(variant: str = "low") -> Scenario:
    """The plan's rollout with measured values in place of the plan's assumptions: jail stays,
    detention stays, and what ICE, the jails and the courts did (detainers, answers, custody,
    orders) as in the historical scenarios."""
    p = plan(variant)
    return replace(
        p,
        name=f"measured_{variant}",
        description=f"plan rollout, measured custody, decisions and detention stays ({variant} "
        "costs)",
        custody=replace(p.custody, plan_local_custody_days=None),
        enforcement=replace(
            EnforcementParameters(),
            summary_removal_days=MEASURED_STAY_DAYS[0],
            detained_hearing_prep_days=MEASURED_STAY_DAYS[1],
            removal_logistics_days=MEASURED_STAY_DAYS[2],
        ),
    )


SCENARIOS = {
    "cap_fy2007": cap_fy2007,
    "sc_rollout": sc_rollout,
    "plan_low": lambda: plan("low"),
    "plan_high": lambda: plan("high"),
    "measured_low": lambda: measured("low"),
    "measured_high": lambda: measured("high"),
}


def build_scenario(name: str) -> Scenario:
    try:
        return SCENARIOS[name]()
    except KeyError:
        raise ScenarioError(
            f"unknown scenario {name!r}; known: {', '.join(sorted(SCENARIOS))}"
        ) from None
