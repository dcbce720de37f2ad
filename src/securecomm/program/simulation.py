"""The national program as a discrete-event simulation (SimPy).

Granularity, chosen so that a national year runs in minutes on two cores:

- **Bookings are aggregate.** Each simulated day, one vectorised draw gives every facility's
  bookings (Poisson around its annual volume, rescaled by year), its IDENT submissions (if
  interoperability is active there) and the number of matched or referred persons (Binomial).
  Non-matched bookings are only counted, per facility and per day.
- **Matched persons are individual SimPy processes**: LESC status determination (a resource of
  specialists), interview before release from local custody (CAP officers, 287(g) officers or the
  DEPORT centre; in person, video or remote; Level 1 first), detainer and the jail's answer,
  Rapid REPAT, ICE arrest, the summary or court pathway, custody (detention bed, Alternatives to
  Detention, bond), the immigration court (a priority queue, detained docket first, so the
  non-detained backlog grows when inflow exceeds capacity), final order and removal.
- **Scale**: ``scale`` < 1 simulates that fraction of the bookings with capacities (teams,
  specialists, beds, judges) scaled alike; counts are divided by ``scale`` when reported.

Reproducibility (the SimPy way): the environment and a seeded ``numpy.random.Generator`` are
passed in; nothing reads the wall clock or a global RNG. Each day's random numbers are drawn in
one block in facility-id order and handed to the persons created that day, so ties (same time)
resolve by creation order, which is deterministic.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import simpy
from simpy.events import ConditionValue

from securecomm.program.errors import ScenarioError
from securecomm.program.facilities import Facility, FacilityKind, Tier
from securecomm.program.ledger import PeopleLedger, Place
from securecomm.program.registry import BASE_YEAR, national_jail_admissions
from securecomm.program.scenario import Scenario
from securecomm.program.tiers import risk_score

N_LEVELS = 4
L1, L2, L3, NONE = range(N_LEVELS)


class Source(enum.IntEnum):
    """How a person came to ICE's attention."""

    SC = 0  # IDENT match through interoperability
    CAP = 1  # CAP jail or prison screening without interoperability
    G287 = 2  # 287(g) officers in the jail
    DEPORT = 3  # federal prisoner screened by the DEPORT centre


class Event(enum.IntEnum):
    MATCH = 0  # entered: matched (SC) or referred (other sources)
    NOT_REMOVABLE = 1
    IAR = 2  # LESC answered the query
    MISSED = 3  # released from local custody before an interview
    INTERVIEW = 4
    NO_ACTION = 5
    DETAINER = 6  # detainer and charging document lodged
    HONOURED = 7
    NOTIFY_ONLY = 8
    DECLINED = 9
    RAPID_REPAT = 10
    ARREST = 11  # ICE book-in
    SUMMARY = 12  # reinstatement / expedited / stipulated / voluntary return
    NTA = 13  # placed in court proceedings
    DETAINED = 14  # first admission to a detention bed
    ATD = 15
    BOND = 16
    HEARING = 17  # case completed by a judge
    ORDER = 18
    RELIEF = 19
    REMOVED = 20
    AT_LARGE = 21
    #: Counted at a removal of a person booked with no prior conviction whose booking charge
    #: ended in a conviction before the removal: ICE's removal statistics count such a person
    #: as convicted (``level`` stays the level at the match).
    CONVICTED_BEFORE_REMOVAL = 22
    #: ICE declined to take a person with a lodged detainer into custody when local custody
    #: ended (prosecutorial discretion from ``EnforcementParameters.discretion_from``).
    DISCRETION_RELEASE = 23


# Uniform draws per person, by purpose (one column each).
(
    U_LEVEL,
    U_REMOVABLE,
    U_CUSTODY,
    U_LESC,
    U_DECIDE,
    U_ANSWER,
    U_PICKUP,
    U_REPAT,
    U_PATHWAY,
    U_DETAIN,
    U_ATD,
    U_HEARING_PREP,
    U_ORDER,
    U_EXECUTED,
    U_LOGISTICS,
    U_COURT,
    U_CHARGE,
    U_DISPOSITION,
    N_U,
) = range(19)


def _exp(mean: float, u: float) -> float:
    """Inverse-CDF exponential draw (u in [0, 1))."""
    return -mean * math.log1p(-u)


@dataclass
class SimulationResult:
    """Counts per (event, source, level, day) and daily occupancy, in simulated units."""

    scenario: Scenario
    scale: float
    events: np.ndarray  # (len(Event), len(Source), N_LEVELS, days)
    bookings: np.ndarray  # (days,)
    submissions: np.ndarray  # (days,)
    facility_bookings: np.ndarray  # (facilities,) over the whole run
    facility_matches: np.ndarray  # (facilities,)
    detention: np.ndarray  # (N_LEVELS, days) persons in a bed at the end of each day
    atd: np.ndarray  # (N_LEVELS, days)
    staff_hours: np.ndarray  # (N_LEVELS, days) officer hours
    lesc_hours: np.ndarray  # (days,)
    activations: np.ndarray  # (days,) facilities given interoperability that day
    covered_share: np.ndarray  # (days,) share of bookings at interoperable facilities
    court_backlog: np.ndarray  # (days,) cases waiting for or in a hearing
    places: dict[str, int]
    entered: int
    #: Interviews by mode (in person, video, remote), over the run.
    interview_modes: dict[str, int]
    #: Mean days in a detention bed by pathway, over the stays completed during the run.
    length_of_stay_by_pathway: dict[str, float]
    trace: list[tuple[float, int, str]] | None = None

    @property
    def days(self) -> int:
        return self.bookings.shape[0]

    def day_index(self, when: date) -> int:
        return min(max((when - self.scenario.start).days, 0), self.days)

    def window(self, start: date | None, end: date | None) -> slice:
        """Days in [start, end) as a slice (``None``: the run's start or end)."""
        a = 0 if start is None else self.day_index(start)
        b = self.days if end is None else self.day_index(end)
        return slice(a, b)

    def count(
        self,
        event: Event,
        start: date | None = None,
        end: date | None = None,
        sources: tuple[Source, ...] | None = None,
        levels: tuple[int, ...] | None = None,
    ) -> float:
        """National count (divided by scale) of an event in [start, end)."""
        arr = self.events[event]
        if sources is not None:
            arr = arr[list(sources)]
        if levels is not None:
            arr = arr[:, list(levels)]
        return float(arr[..., self.window(start, end)].sum()) / self.scale


@dataclass
class _Resources:
    lesc: simpy.Resource
    officers: simpy.PriorityResource
    deport: simpy.PriorityResource
    court: simpy.PriorityResource
    beds: int
    beds_used: int = 0
    in_detention: list[int] = field(default_factory=lambda: [0] * N_LEVELS)
    on_atd: list[int] = field(default_factory=lambda: [0] * N_LEVELS)
    court_waiting: int = 0


def activation_days(
    scenario: Scenario, facilities: list[Facility], rng: np.random.Generator
) -> np.ndarray:
    """Day (from the scenario start) each facility gets interoperability; large if never.

    Within a tier, facilities are activated evenly over the tier's window in decreasing order of
    ``log(risk) + order_noise × N(0, 1)``: pure risk order with no noise (the plan), partly
    by chance with noise (as deployed, when states' agreements set the pace). With
    ``rollout.order`` = ``reverse`` or ``random`` the same activation days (the same pace) are
    given to facilities lowest-risk first or in random order (what-if). Federal facilities
    never (the DEPORT centre screens them).
    """
    never = np.iinfo(np.int64).max // 2
    days = np.full(len(facilities), never, dtype=np.int64)
    noise = rng.standard_normal(len(facilities)) * scenario.rollout.order_noise
    key = {
        f.id: math.log(max(risk_score(f), 1e-12)) + float(noise[i])
        for i, f in enumerate(facilities)
    }
    for tier, window in zip(Tier, scenario.rollout.tier_windows, strict=True):
        if window is None:
            continue
        first, last = scenario.day_of(window[0]), scenario.day_of(window[1])
        if last < first:
            raise ScenarioError(f"rollout window of tier {tier.name} ends before it starts")
        members = [
            (i, f)
            for i, f in enumerate(facilities)
            if f.tier is tier and f.kind is not FacilityKind.FEDERAL
        ]
        members.sort(key=lambda item: (-key[item[1].id], item[1].id))
        n = len(members)
        for rank, (i, _) in enumerate(members):
            days[i] = first + (rank * (last - first)) // max(n, 1)
    order = scenario.rollout.order
    if order == "risk":
        return days
    # Same pace (activation days), different order: lowest risk first, or at random.
    scheduled = np.flatnonzero(days < never)
    slots = np.sort(days[scheduled])
    if order == "reverse":
        ranked = sorted(scheduled.tolist(), key=lambda i: (key[facilities[i].id], facilities[i].id))
    elif order == "random":
        ranked = [int(i) for i in rng.permutation(scheduled)]
    else:
        raise ScenarioError(f"rollout order must be 'risk', 'reverse' or 'random', not {order!r}")
    out = np.full(len(facilities), never, dtype=np.int64)
    out[ranked] = slots
    return out


class NationalSimulation:
    """One run of a scenario over a facility registry."""

    def __init__(
        self,
        env: simpy.Environment,
        rng: np.random.Generator,
        scenario: Scenario,
        facilities: list[Facility],
        *,
        scale: float = 1.0,
        trace: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        if not 0.0 < scale <= 1.0:
            raise ScenarioError(f"scale must be in (0, 1], not {scale}")
        if scenario.days <= 0:
            raise ScenarioError(f"scenario {scenario.name!r} ends before it starts")
        self.env = env
        self.rng = rng
        self.s = scenario
        self.facilities = facilities
        self.scale = scale
        self.progress = progress
        self.ledger = PeopleLedger()
        self.trace: list[tuple[float, int, str]] | None = [] if trace else None
        days = scenario.days
        n_fac = len(facilities)
        self.events = np.zeros((len(Event), len(Source), N_LEVELS, days), dtype=np.int64)
        self.bookings = np.zeros(days, dtype=np.int64)
        self.submissions = np.zeros(days, dtype=np.int64)
        self.fac_bookings = np.zeros(n_fac, dtype=np.int64)
        self.fac_matches = np.zeros(n_fac, dtype=np.int64)
        self.detention = np.zeros((N_LEVELS, days), dtype=np.int64)
        self.atd = np.zeros((N_LEVELS, days), dtype=np.int64)
        self.staff_hours = np.zeros((N_LEVELS, days), dtype=np.float64)
        self.lesc_hours = np.zeros(days, dtype=np.float64)
        self.activations = np.zeros(days, dtype=np.int64)
        self.covered_share = np.zeros(days, dtype=np.float64)
        self.court_backlog = np.zeros(days, dtype=np.int64)
        self.interview_modes = {"in_person": 0, "video": 0, "remote": 0}
        self._admitted: dict[int, tuple[float, str]] = {}
        self._stays: dict[str, tuple[float, int]] = {}

        cap = scenario.capacity

        def servers(n: float) -> tuple[int, float]:
            """Whole servers for ``n × scale`` and the service-time factor that keeps the
            scaled throughput exact (e.g. 0.24 judges: one judge working 1/0.24 times slower)."""
            k = max(1, round(n * scale))
            return k, k / (n * scale)

        lesc, self.lesc_slow = servers(cap.lesc_specialists)
        officers, self.officer_slow = servers(cap.cap_teams * cap.officers_per_team)
        deport, self.deport_slow = servers(cap.deport_officers)
        court, self.court_slow = servers(cap.judge_equivalents)
        self.res = _Resources(
            lesc=simpy.Resource(env, capacity=lesc),
            officers=simpy.PriorityResource(env, capacity=officers),
            deport=simpy.PriorityResource(env, capacity=deport),
            court=simpy.PriorityResource(env, capacity=court),
            beds=max(1, round(cap.detention_beds * scale)),
        )
        self._prepare_facilities()

    # ------------------------------------------------------------------ set-up
    def _prepare_facilities(self) -> None:
        f = self.facilities
        s = self.s
        self.is_local = np.array([x.kind is FacilityKind.COUNTY_CITY for x in f])
        self.is_state = np.array([x.kind is FacilityKind.STATE for x in f])
        self.daily = np.array([x.annual_bookings for x in f]) / 365.25
        self.foreign_born = np.array([x.foreign_born_share for x in f])
        self.level_cum = np.cumsum(np.array([x.level_mix for x in f]), axis=1)
        self.level_cum[:, -1] = 1.0
        self.cap_on_site = np.array([x.coverage.cap_team_on_site for x in f])
        self.video = np.array([x.coverage.video for x in f]) | s.capacity.video_everywhere
        self.g287 = np.array([x.coverage.agreement_287g for x in f])
        self.federal = np.array([x.coverage.deport_remote for x in f])
        self.activation = activation_days(s, f, self.rng)
        act = self.activation[(self.activation >= 0) & (self.activation < s.days)]
        np.add.at(self.activations, act, 1)

    def _log(self, pid: int, what: str) -> None:
        if self.trace is not None:
            self.trace.append((round(self.env.now, 9), pid, what))

    def _count(self, event: Event, src: int, level: int) -> None:
        day = min(int(self.env.now), self.s.days - 1)
        self.events[event, src, level, day] += 1
        if self.trace is not None:
            self._log(-1, event.name)

    # ------------------------------------------------------------------ bookings
    def run(self) -> SimulationResult:
        self.env.process(self._days())
        self.env.run(until=self.s.days)
        self._snapshot(self.s.days - 1)  # the end of the last day (the run stops before it)
        self.ledger.check()
        return SimulationResult(
            scenario=self.s,
            scale=self.scale,
            events=self.events,
            bookings=self.bookings,
            submissions=self.submissions,
            facility_bookings=self.fac_bookings,
            facility_matches=self.fac_matches,
            detention=self.detention,
            atd=self.atd,
            staff_hours=self.staff_hours,
            lesc_hours=self.lesc_hours,
            activations=self.activations,
            covered_share=self.covered_share,
            court_backlog=self.court_backlog,
            places=self.ledger.by_place(),
            entered=self.ledger.entered,
            interview_modes=dict(self.interview_modes),
            length_of_stay_by_pathway={
                k: total / n for k, (total, n) in sorted(self._stays.items()) if n
            },
            trace=self.trace,
        )

    def _days(self) -> Generator[simpy.Event, None, None]:
        s = self.s
        rng = self.rng
        base = national_jail_admissions(s.bookings, BASE_YEAR)
        amplitude, peak = s.bookings.seasonal_amplitude, s.bookings.seasonal_peak_day
        for day in range(s.days):
            when = s.start + timedelta(days=day)
            yday = when.timetuple().tm_yday
            year = when.year + (yday - 0.5) / 365.25
            season = 1.0 + amplitude * math.cos(2.0 * math.pi * (yday - peak) / 365.25)
            factor = np.where(
                self.is_local, national_jail_admissions(s.bookings, year) / base * season, 1.0
            )
            booked = rng.poisson(self.daily * factor * self.scale)
            covered = (self.activation <= day) & ~self.federal
            submitted = np.where(covered, booked, 0)
            # Who can be identified at each facility, and by whom.
            source = np.full(len(booked), -1, dtype=np.int64)
            p = np.zeros(len(booked))
            screened_cap = ~covered & self.cap_on_site & ~self.g287
            # SC: a biometric match needs an IDENT record. CAP, 287(g) and DEPORT officers
            # interview the foreign-born they are told about (CAP: the referred share).
            deport = self.federal & s.rollout.deport_active
            source[deport] = Source.DEPORT
            p[deport] = 1.0
            source[~covered & self.g287] = Source.G287
            p[~covered & self.g287] = 1.0
            source[screened_cap] = Source.CAP
            p[screened_cap] = s.cap_referral
            source[covered] = Source.SC
            p[covered] = s.bookings.ident_record_share
            known = rng.binomial(booked, np.clip(self.foreign_born * p, 0.0, 1.0))
            known[source < 0] = 0
            self.bookings[day] = booked.sum()
            self.submissions[day] = submitted.sum()
            total_local = booked.sum()
            self.covered_share[day] = submitted.sum() / total_local if total_local else 0.0
            self.fac_bookings += booked
            self.fac_matches += known
            n_new = int(known.sum())
            if n_new:
                fac_idx = np.repeat(np.arange(len(booked)), known)
                u = rng.random((n_new, N_U))
                cum = self.level_cum[fac_idx]
                levels = (u[:, U_LEVEL, None] >= cum).sum(axis=1)
                srcs = source[fac_idx]
                for i, fi, src, level in zip(
                    range(n_new), fac_idx.tolist(), srcs.tolist(), levels.tolist(), strict=True
                ):
                    self.env.process(self._person(fi, src, min(level, NONE), u[i].tolist()))
            if self.progress is not None:
                self.progress(day + 1, s.days)
            yield self.env.timeout(1)
            self._snapshot(day)

    def _snapshot(self, day: int) -> None:
        self.detention[:, day] = self.res.in_detention
        self.atd[:, day] = self.res.on_atd
        self.court_backlog[day] = self.res.court_waiting

    # ------------------------------------------------------------------ a person
    def _custody_days(self, fi: int, level: int, u: float) -> float:
        c = self.s.custody
        if c.plan_local_custody_days is not None:
            return _exp(c.plan_local_custody_days, u)
        if self.is_local[fi]:
            return _exp(c.jail_days[level], u)
        return _exp(c.prison_days, u)

    def _staff(self, level: int, hours: float) -> None:
        self.staff_hours[level, min(int(self.env.now), self.s.days - 1)] += hours

    def _person(
        self, fi: int, src: int, level: int, u: list[float]
    ) -> Generator[simpy.Event, object, None]:
        env, s, res, ledger = self.env, self.s, self.res, self.ledger
        cap, enf = s.capacity, s.enforcement
        pid = ledger.enter(Place.LESC_CHECK)
        booked_at = env.now
        self._log(pid, "enter")
        self._count(Event.MATCH, src, level)
        release_at = env.now + self._custody_days(fi, level, u[U_CUSTODY])

        # 1. LESC status determination (IAQ -> IAR).
        with res.lesc.request() as req:
            yield req
            service = cap.lesc_minutes_per_query / 60.0
            yield env.timeout(service / cap.officer_hours_per_day * self.lesc_slow)
        self.lesc_hours[min(int(env.now), s.days - 1)] += service
        self._count(Event.IAR, src, level)
        ledger.move(pid, Place.LOCAL_CUSTODY)
        if u[U_REMOVABLE] < s.bookings.not_removable_share:
            self._count(Event.NOT_REMOVABLE, src, level)
            ledger.move(pid, Place.RELEASED)
            self._log(pid, "not_removable")
            return

        # 2. Interview before release (287(g) officers interview in the jail itself).
        if src != Source.G287:
            pool = res.deport if src == Source.DEPORT else res.officers
            if self.cap_on_site[fi]:
                hours, mode = cap.interview_hours_in_person, "in_person"
            elif self.video[fi]:
                hours, mode = cap.interview_hours_video, "video"
            else:
                hours, mode = cap.interview_hours_remote, "remote"
            req = pool.request(priority=level)
            wait = max(release_at - env.now, 0.0)
            got = yield req | env.timeout(wait)
            if not isinstance(got, ConditionValue):
                raise TypeError(f"an either-or wait gave {got!r}, not a ConditionValue")
            if req not in got:
                req.cancel()
                self._count(Event.MISSED, src, level)
                ledger.move(pid, Place.RELEASED)
                self._log(pid, "missed")
                return
            decide = self._lodge_detainer(level, u[U_DECIDE])
            work = hours + (cap.processing_hours if decide else 0.0)
            slow = self.deport_slow if src == Source.DEPORT else self.officer_slow
            yield env.timeout(work / cap.officer_hours_per_day * slow)
            pool.release(req)
            self._staff(level, work)
        else:
            decide = self._lodge_detainer(level, u[U_DECIDE])
            mode = "in_person"
        self.interview_modes[mode] += 1
        self._count(Event.INTERVIEW, src, level)
        if not decide:
            self._count(Event.NO_ACTION, src, level)
            yield env.timeout(max(release_at - env.now, 0.0))
            ledger.move(pid, Place.RELEASED)
            self._log(pid, "no_action")
            return

        # 3. Detainer and the jail's answer (287(g) jails always honour).
        self._count(Event.DETAINER, src, level)
        self._log(pid, "detainer")
        honoured, notify, _declined = enf.detainer_answers
        if src == Source.G287 or u[U_ANSWER] < honoured:
            self._count(Event.HONOURED, src, level)
            answer = "honoured"
        elif u[U_ANSWER] < honoured + notify:
            self._count(Event.NOTIFY_ONLY, src, level)
            answer = "notify"
        else:
            self._count(Event.DECLINED, src, level)
            answer = "declined"

        # Rapid REPAT: state prisoners released early for removal (non-L1).
        repat = self.is_state[fi] and level != L1 and u[U_REPAT] < enf.rapid_repat_share
        remaining = max(release_at - env.now, 0.0)
        # The plan's institutional hearings: a case heard while the person is still held.
        in_custody_order = False
        court_case = u[U_PATHWAY] >= enf.summary_removal_share[level]
        if repat:
            self._count(Event.RAPID_REPAT, src, level)
        else:
            if (
                court_case
                and answer == "honoured"
                and remaining > enf.institutional_hearing_min_days
            ):
                ordered = yield from self._hearing(pid, src, level, detained=True, u=u)
                in_custody_order = ordered
                if not ordered:
                    yield env.timeout(max(release_at - env.now, 0.0))
                    ledger.move(pid, Place.RELIEF)
                    return
            yield env.timeout(max(release_at - env.now, 0.0))
        if answer == "declined" or (answer == "notify" and u[U_PICKUP] >= enf.notify_pickup):
            ledger.move(pid, Place.RELEASED)
            self._log(pid, "released_on_detainer")
            return

        # 4. ICE arrest, unless ICE exercises discretion for a low-priority case that would need
        # a court case (summary cases, Rapid REPAT and orders made in custody stay priorities).
        needs_court = court_case and not (repat or in_custody_order)
        if needs_court and self._discretion_release(level, u[U_DECIDE]):
            self._count(Event.DISCRETION_RELEASE, src, level)
            ledger.move(pid, Place.RELEASED)
            self._log(pid, "discretion_release")
            return
        self._count(Event.ARREST, src, level)
        self._staff(level, cap.processing_hours)
        self._log(pid, "arrest")
        if repat or in_custody_order or not court_case:
            if not (repat or in_custody_order):
                self._count(Event.SUMMARY, src, level)
            pathway = "summary"
            if repat:
                pathway = "rapid_repat"
            elif in_custody_order:
                pathway = "ordered_in_custody"
            self._detain(pid, src, level, force=True, pathway=pathway)
            mean = enf.removal_logistics_days if in_custody_order else enf.summary_removal_days
            yield env.timeout(_exp(mean, u[U_LOGISTICS]))
            self._remove(pid, src, level, booked_at, u)
            return

        # 5. Court: custody decision, hearing, order, removal.
        self._count(Event.NTA, src, level)
        detained = u[U_DETAIN] < enf.detention_probability[level] and self._detain(
            pid, src, level, force=False, pathway="court_detained"
        )
        if not detained:
            if u[U_ATD] < enf.alternatives_share:
                self._count(Event.ATD, src, level)
                ledger.move(pid, Place.ATD)
                res.on_atd[level] += 1
            else:
                self._count(Event.BOND, src, level)
                ledger.move(pid, Place.BOND)
        ordered = yield from self._hearing(pid, src, level, detained=detained, u=u)
        if not detained and ledger.place_of(pid) is Place.ATD:
            res.on_atd[level] -= 1
        if not ordered:
            if detained:
                self._release_bed(pid, level)
            ledger.move(pid, Place.RELIEF)
            self._log(pid, "relief")
            return
        if not detained:
            if u[U_EXECUTED] >= enf.nondetained_order_executed:
                self._count(Event.AT_LARGE, src, level)
                ledger.move(pid, Place.AT_LARGE)
                return
            self._detain(pid, src, level, force=True, pathway="order_after_release")
        yield env.timeout(_exp(enf.removal_logistics_days, u[U_LOGISTICS]))
        self._remove(pid, src, level, booked_at, u)

    def _after_policy_date(self) -> bool:
        start = self.s.enforcement.discretion_from
        return start is not None and self.env.now >= self.s.day_of(start)

    def _lodge_detainer(self, level: int, u_decide: float) -> bool:
        """Whether ICE lodges a detainer after the interview.

        With the detainer rate ``p`` of the level, a detainer is lodged when ``u < p``; from the
        policy date a share ``detainer_discretion_share`` of those is not (what-if only). It takes
        the lowest part of ``u / p``, the part the custody discretion releases, so a person ICE
        no longer lodges a detainer on is one it would have released had the case gone to
        court, and runs without the what-if keep exactly the same random numbers.
        """
        enf = self.s.enforcement
        p = enf.detainer_probability[level]
        if not u_decide < p:
            return False
        cut = enf.detainer_discretion_share[level]
        if cut <= 0.0 or not self._after_policy_date():
            return True
        return u_decide / p >= cut

    def _discretion_release(self, level: int, u_decide: float) -> bool:
        """Whether ICE, from the policy date, declines to take this person into custody.

        The draw reuses the detainer decision's uniform: given that a detainer was lodged
        (``u < p``), ``u / p`` is uniform on [0, 1) and independent of every other draw, so
        scenarios without the policy keep exactly the same random numbers.
        """
        enf = self.s.enforcement
        share = enf.discretion_share[level]
        if share <= 0.0 or not self._after_policy_date():
            return False
        p = enf.detainer_probability[level]
        return p > 0.0 and u_decide / p < share

    def _hearing(
        self, pid: int, src: int, level: int, *, detained: bool, u: list[float]
    ) -> Generator[simpy.Event, object, bool]:
        """Wait for and attend a hearing; return whether a removal order was made."""
        env, enf, res = self.env, self.s.enforcement, self.res
        if detained:
            yield env.timeout(_exp(enf.detained_hearing_prep_days, u[U_HEARING_PREP]))
        res.court_waiting += 1
        with res.court.request(priority=0 if detained else 1) as req:
            yield req
            mean = 365.25 / self.s.capacity.completions_per_judge_year * self.court_slow
            yield env.timeout(_exp(mean, u[U_COURT]))
        res.court_waiting -= 1
        self._count(Event.HEARING, src, level)
        ordered = u[U_ORDER] < enf.order_probability[0 if detained else 1]
        self._count(Event.ORDER if ordered else Event.RELIEF, src, level)
        self._log(pid, "order" if ordered else "no_order")
        return ordered

    def _detain(self, pid: int, src: int, level: int, *, force: bool, pathway: str) -> bool:
        res = self.res
        if self.ledger.place_of(pid) is Place.DETENTION:
            return True
        if not force and res.beds_used >= res.beds:
            return False
        self._admitted[pid] = (self.env.now, pathway)
        res.beds_used += 1
        res.in_detention[level] += 1
        self._count(Event.DETAINED, src, level)
        self.ledger.move(pid, Place.DETENTION)
        return True

    def _release_bed(self, pid: int, level: int) -> None:
        self.res.beds_used -= 1
        self.res.in_detention[level] -= 1
        admitted, pathway = self._admitted.pop(pid)
        total, n = self._stays.get(pathway, (0.0, 0))
        self._stays[pathway] = (total + self.env.now - admitted, n + 1)

    def _remove(self, pid: int, src: int, level: int, booked_at: float, u: list[float]) -> None:
        self._release_bed(pid, level)
        self._count(Event.REMOVED, src, level)
        c = self.s.custody
        disposed_after = _exp(c.pending_charge_disposition_days, u[U_DISPOSITION])
        if (
            level == NONE
            and u[U_CHARGE] < c.pending_charge_conviction
            and self.env.now - booked_at >= disposed_after
        ):
            self._count(Event.CONVICTED_BEFORE_REMOVAL, src, level)
        self._staff(level, self.s.capacity.processing_hours)
        self.ledger.move(pid, Place.REMOVED)
        self._log(pid, "removed")


def simulate(
    scenario: Scenario,
    facilities: list[Facility],
    rng: np.random.Generator,
    *,
    scale: float = 1.0,
    env: simpy.Environment | None = None,
    trace: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Run ``scenario`` over ``facilities``; the same seed gives the same result."""
    sim = NationalSimulation(
        env or simpy.Environment(),
        rng,
        scenario,
        facilities,
        scale=scale,
        trace=trace,
        progress=progress,
    )
    return sim.run()
