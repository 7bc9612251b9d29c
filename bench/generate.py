"""Synthetic partnership data at national scale, for the benchmarks.

The organisations are the real register (4,191 museums of Mapping Museums, loaded by the same
import people use) plus synthetic universities, schools and partners abroad, each named
"Benchmark ..." so that nobody mistakes them for real ones. On top of them: ten reporting years of
activities, loans with their objects, programme participations and approved returns for every
national museum, spread the way real work is spread: most activities have one or two partners and
a few have dozens; busy districts (London, the large cities) see more of it; a few national museums
lend most of the objects. The same seed gives the same data.

Rows are written in bulk with ids chosen here (COPY on PostgreSQL, executemany on SQLite), never
through the services: this is test data for measuring reads, not a record of anyone's work, so it
has no audit trail and no history.
"""

import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction

from museumshare.activities.models import AREA_OF_KIND, Activity, Area, Partner, PartnerRole, Place, Visibility
from museumshare.activities.models import Kind as ActivityKind
from museumshare.activities.models import Status as ActivityStatus
from museumshare.core import years
from museumshare.loans.models import LONG_LOAN_MONTHS, CollectionObject, Loan, LoanObject, Purpose
from museumshare.loans.models import Status as LoanStatus
from museumshare.organisations.importer import MAPPING_MUSEUMS_FILE, import_organisations
from museumshare.organisations.models import Kind as OrganisationKind
from museumshare.organisations.models import Organisation
from museumshare.programmes.models import (
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    Outcome,
    Participation,
    Programme,
    SkillsArea,
)
from museumshare.returns.models import Indicator, ReportingYear, Return, ReturnStatus, ReturnValue, YearStatus

FIRST_YEAR = 2016
YEARS = tuple(range(FIRST_YEAR, FIRST_YEAR + 10))  # 2016/17 to 2025/26
SEED = 2026
NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
TODAY = NOW.date()

# Countries of the partners abroad, busiest first.
COUNTRIES = ("US", "FR", "DE", "IT", "NL", "ES", "JP", "CN", "AU", "CA", "IE", "BE", "CH", "AT", "DK", "SE", "NO", "KR")
OBJECT_NAMES: tuple[str, ...] = ("painting", "print", "drawing", "photograph", "textile", "vase", "sculpture", "coin")
OBJECT_NAMES += ("manuscript", "specimen", "costume", "clock", "locomotive model", "map", "medal", "tool", "jewellery")

# How often each kind of work happens, apart from loans (which the loans themselves record).
ACTIVITY_KINDS: dict[str, int] = {
    ActivityKind.TOURING_EXHIBITION: 3,
    ActivityKind.CO_PRODUCED_EXHIBITION: 4,
    ActivityKind.ACQUISITION_SUPPORT: 1,
    ActivityKind.BORROWING: 2,
    ActivityKind.PLACEMENT: 4,
    ActivityKind.STAFF_EXCHANGE: 1,
    ActivityKind.MENTORING: 4,
    ActivityKind.INTERNSHIP: 2,
    ActivityKind.APPRENTICESHIP: 1,
    ActivityKind.SECTOR_TRAINING: 8,
    ActivityKind.PEER_KNOWLEDGE_EXCHANGE: 4,
    ActivityKind.ADVICE: 12,
    ActivityKind.FORMAL_NETWORK: 1,
    ActivityKind.SUBJECT_SPECIALIST_NETWORK: 1,
    ActivityKind.RESEARCH_PROJECT: 6,
    ActivityKind.DOCTORAL_STUDENTSHIP: 2,
    ActivityKind.ACADEMIC_PARTNERSHIP: 3,
    ActivityKind.LEARNING_PROGRAMME: 14,
    ActivityKind.COMMUNITY_PARTNERSHIP: 8,
    ActivityKind.HEALTH_WELLBEING: 3,
    ActivityKind.DIGITAL_PROJECT: 4,
    ActivityKind.SHARED_SERVICES: 1,
}


@dataclass(frozen=True)
class Size:
    activities: int
    loans: int
    loan_objects: int
    collection_objects: int
    participations: int
    universities: int
    schools: int
    international: int

    def scaled(self, fraction: float) -> "Size":
        return Size(**{name: max(1, round(value * fraction)) for name, value in vars(self).items()})


NATIONAL = Size(
    activities=200_000,
    loans=50_000,
    loan_objects=1_000_000,
    collection_objects=500_000,
    participations=30_000,
    universities=160,
    schools=2_400,
    international=600,
)
SCALES = {"national": 1.0, "small": 0.01}


def size_of(scale: str | float) -> Size:
    return NATIONAL.scaled(SCALES[scale] if isinstance(scale, str) else scale)


Progress = Callable[[str, int, int], None]  # (step, done, total)


def _quiet(step: str, done: int, total: int) -> None:
    return None


class Table:
    """Rows for one model, with ids chosen here, written in bulk."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in self.fields]
        self.defaults = {f.attname: _default(f) for f in self.fields}
        self.rows: list[tuple[Any, ...]] = []
        top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
        self.next_id = (top or 0) + 1
        self.written = 0

    def add(self, **values: Any) -> int:
        pk = self.next_id
        self.next_id += 1
        values["id"] = pk
        merged = self.defaults | values
        self.rows.append(tuple(merged[name] for name in self.names))
        return pk

    def flush(self) -> int:
        rows, self.rows = self.rows, []
        if rows:
            _write(self.model, self.fields, rows)
        self.written += len(rows)
        return len(rows)


def _default(field: models.Field[Any, Any]) -> Any:
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return NOW
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    return "" if field.empty_strings_allowed else None


def _write(model: type[models.Model], fields: Sequence[models.Field[Any, Any]], rows: list[tuple[Any, ...]]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        prepare = [_sqlite_value(f) for f in fields]
        marks = ", ".join(["%s"] * len(fields))
        converted = [tuple(p(v) if p else v for p, v in zip(prepare, row, strict=True)) for row in rows]
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", converted)


def _sqlite_value(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    if isinstance(field, models.DateTimeField):
        return lambda v: None if v is None else connection.ops.adapt_datetimefield_value(v)
    if isinstance(field, models.DateField):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(field, models.DecimalField):
        return lambda v: None if v is None else str(v)
    return None


def _reset_sequences(tables: Sequence[Table]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [t.model for t in tables]):
            cursor.execute(sql)


@dataclass
class Org:
    """What the generator needs to know of an organisation."""

    pk: int
    name: str
    kind: str
    nation: str
    district: str
    country: str
    latitude: float | None
    longitude: float | None
    location: dict[str, Any]


class Pool:
    """Organisations to draw from, each with a weight (how busy it is)."""

    def __init__(self, rng: random.Random, orgs: Sequence[Org], weights: Sequence[float]) -> None:
        self.rng = rng
        self.orgs = list(orgs)
        self.cumulative = list(accumulate(weights))

    def pick(self, k: int = 1) -> list[Org]:
        return self.rng.choices(self.orgs, cum_weights=self.cumulative, k=k)


LOCATION = Organisation.LOCATION_FIELDS


def _org(row: dict[str, Any]) -> Org:
    return Org(
        pk=row["pk"],
        name=row["name"],
        kind=row["kind"],
        nation=row["nation"],
        district=row["district_code"],
        country=str(row["country"]),
        latitude=row["latitude"],
        longitude=row["longitude"],
        location={name: row[name] for name in LOCATION},
    )


class Generator:
    def __init__(self, size: Size, seed: int, progress: Progress) -> None:
        self.size = size
        self.rng = random.Random(seed)
        self.progress = progress
        self.counts: Counter[str] = Counter()
        self.tables: list[Table] = []  # every table written, for resetting sequences

    # The organisations

    def register(self) -> None:
        if not Organisation.objects.exists():
            self.progress("Loading the museum register", 0, 1)
            import_organisations(path=MAPPING_MUSEUMS_FILE)
            self.progress("Loading the museum register", 1, 1)

    def synthetic_organisations(self) -> None:
        """Universities, schools and partners abroad, placed where museums are."""
        museums = list(
            Organisation.objects.filter(kind=OrganisationKind.MUSEUM, district_code__gt="").values(*LOCATION)
        )
        table = Table(Organisation)
        plan = [
            (OrganisationKind.UNIVERSITY, "Benchmark University", self.size.universities),
            (OrganisationKind.SCHOOL, "Benchmark School", self.size.schools),
        ]
        made = 0
        total = self.size.universities + self.size.schools + self.size.international
        for kind, prefix, count in plan:
            for n in range(1, count + 1):
                where = self.rng.choice(museums)
                name = f"{prefix} {n:04d}"
                table.add(
                    name=name,
                    slug=f"benchmark-{kind}-{n:04d}",
                    kind=kind,
                    search_text=name.casefold(),
                    **where,
                )
                made += 1
            self.progress("Synthetic organisations", made, total)
        for n in range(1, self.size.international + 1):
            country = COUNTRIES[min(int(self.rng.expovariate(0.25)), len(COUNTRIES) - 1)]
            name = f"Benchmark Museum Abroad {n:04d} ({country})"
            # Abroad: a country and no UK geography.
            table.add(name=name, slug=f"benchmark-abroad-{n:04d}", kind=OrganisationKind.MUSEUM, country=country)
            made += 1
        self.counts["synthetic organisations"] = table.flush()
        self.progress("Synthetic organisations", made, total)
        self.tables.append(table)

    def pools(self) -> None:
        fields = ("pk", "name", "kind", "is_national", "national_group_id", "partnership_report", *LOCATION)
        rows = list(Organisation.objects.values(*fields).order_by("pk"))
        self.nationals = [
            _org(r) for r in rows if r["is_national"] and r["national_group_id"] is None and r["partnership_report"]
        ]
        by_district = Counter(r["district_code"] for r in rows if r["district_code"])

        def busy(row: dict[str, Any]) -> float:
            # More museums in a district, more work there; London busier still.
            weight = 1 + math.sqrt(by_district[row["district_code"]])
            return weight * (2.5 if row["region_code"] == "E12000007" else 1)

        uk = [r for r in rows if r["nation"] and not r["is_national"]]
        self.museums = Pool(
            self.rng,
            [_org(r) for r in uk if r["kind"] in MUSEUM_KINDS],
            [busy(r) for r in uk if r["kind"] in MUSEUM_KINDS],
        )
        self.universities = Pool(
            self.rng,
            [_org(r) for r in uk if r["kind"] == "university"],
            [busy(r) for r in uk if r["kind"] == "university"],
        )
        self.schools = Pool(
            self.rng, [_org(r) for r in uk if r["kind"] == "school"], [busy(r) for r in uk if r["kind"] == "school"]
        )
        abroad = [_org(r) for r in rows if not r["nation"]]
        self.abroad = Pool(self.rng, abroad, [1.0] * len(abroad))
        # A few national museums do most of the lending (Zipf-like weights in a seeded order).
        order = list(self.nationals)
        self.rng.shuffle(order)
        self.lenders = Pool(self.rng, order, [1 / (rank + 1) ** 0.8 for rank in range(len(order))])

    # Collections and loans

    def collections(self) -> dict[int, tuple[int, int]]:
        """Objects for each national museum, as a range of ids; bigger lenders own more."""
        table = Table(CollectionObject)
        total = self.size.collection_objects
        weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self.lenders.orgs))]
        share = [max(1, round(total * w / sum(weights))) for w in weights]
        ranges: dict[int, tuple[int, int]] = {}
        done = 0
        for owner, count in zip(self.lenders.orgs, share, strict=True):
            first = table.next_id
            for n in range(1, count + 1):
                name = self.rng.choice(OBJECT_NAMES)
                table.add(
                    owner_id=owner.pk, accession_number=f"B.{n}", title=f"{name.capitalize()} {n}", object_name=name
                )
                if len(table.rows) >= 50_000:
                    done += table.flush()
                    self.progress("Collection objects", done, total)
            ranges[owner.pk] = (first, table.next_id)
        done += table.flush()
        self.progress("Collection objects", done, total)
        self.counts["collection objects"] = done
        self.tables.append(table)
        return ranges

    def loans(self, objects: dict[int, tuple[int, int]], activities: Table, partners: Table, places: Table) -> None:
        loans, loan_objects = Table(Loan), Table(LoanObject)
        sizes = self._objects_per_loan()
        done_objects = 0
        for n, count in enumerate(sizes, start=1):
            lender = self.lenders.pick()[0]
            abroad = self.rng.random() < 0.12
            borrower = (self.abroad if abroad else self.museums).pick()[0]
            purpose = self.rng.choices(
                [Purpose.EXHIBITION, Purpose.LONG_TERM_DISPLAY, Purpose.RESEARCH, Purpose.CONSERVATION],
                weights=[80, 12, 6, 2],
            )[0]
            year = self._year()
            start = years.start(year) + timedelta(days=self.rng.randrange(365))
            months = self.rng.randint(18, 60) if purpose == Purpose.LONG_TERM_DISPLAY else self.rng.randint(1, 9)
            end = start + timedelta(days=round(months * 30.4))
            status = self._loan_status(end)
            agreed = status not in (LoanStatus.REQUESTED, LoanStatus.DECLINED, LoanStatus.WITHDRAWN)
            visitors = round(self.rng.lognormvariate(9, 1.1)) if purpose != Purpose.RESEARCH else None
            title = f"Benchmark exhibition {n}" if purpose == Purpose.EXHIBITION else ""
            first, last = objects[lender.pk]
            count = min(count, last - first)
            activity = None
            if status in COUNTED_LOANS:
                kind = self._loan_activity_kind(borrower, purpose, start, end)
                activity = activities.add(
                    title=f"Loan B-{n:06d} to {borrower.name}"[:250],
                    kind=kind,
                    lead_id=lender.pk,
                    start_date=start,
                    end_date=end,
                    status=_loan_activity_status(status),
                    objects_count=count,
                    visitors=visitors,
                    visibility=Visibility.PARTNERS,
                    external_ref=f"loan:B-{n:06d}",
                )
                partners.add(activity_id=activity, organisation_id=lender.pk, role=PartnerRole.LEAD)
                partners.add(activity_id=activity, organisation_id=borrower.pk, role=PartnerRole.HOST)
                places.add(activity_id=activity, organisation_id=borrower.pk, name=borrower.name, **borrower.location)
            loan = loans.add(
                reference=f"B-{year}-{n:06d}",
                lender_id=lender.pk,
                borrower_id=borrower.pk,
                purpose=purpose,
                exhibition_title=title,
                requested_start=start,
                requested_end=end,
                agreed_start=start if agreed else None,
                agreed_end=end if agreed else None,
                status=status,
                visitors=visitors,
                activity_id=activity,
            )
            for object_id in self.rng.sample(range(first, last), count):
                loan_objects.add(loan_id=loan, object_id=object_id)
            if len(loan_objects.rows) >= 100_000:
                for table in (activities, partners, places, loans):
                    table.flush()
                done_objects += loan_objects.flush()
                self.progress("Loans and their objects", n, len(sizes))
        for table in (activities, partners, places, loans):
            table.flush()
        done_objects += loan_objects.flush()
        self.progress("Loans and their objects", len(sizes), len(sizes))
        self.counts["loans"] = loans.written
        self.counts["loan objects"] = done_objects
        self.tables += [loans, loan_objects]

    def _objects_per_loan(self) -> list[int]:
        """Objects on each loan: most loans a handful, a few hundreds; the total is the target."""
        raw = [self.rng.lognormvariate(2.2, 1.2) for _ in range(self.size.loans)]
        scale = self.size.loan_objects / sum(raw)
        counts = [max(1, min(600, round(r * scale))) for r in raw]
        gap = self.size.loan_objects - sum(counts)
        step = 1 if gap > 0 else -1
        while gap:
            i = self.rng.randrange(len(counts))
            if counts[i] + step >= 1 and counts[i] + step <= 600:
                counts[i] += step
                gap -= step
        return counts

    def _loan_status(self, end: date) -> str:
        if self.rng.random() < 0.05:
            return self.rng.choice([LoanStatus.DECLINED, LoanStatus.WITHDRAWN, LoanStatus.CANCELLED])
        if end < TODAY:
            return LoanStatus.CLOSED if self.rng.random() < 0.7 else LoanStatus.RETURNED
        return self.rng.choice(
            [LoanStatus.REQUESTED, LoanStatus.APPROVED, LoanStatus.AGREEMENT_SIGNED, LoanStatus.ON_LOAN]
        )

    def _loan_activity_kind(self, borrower: Org, purpose: str, start: date, end: date) -> str:
        """As the loans app records a loan in the register."""
        months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
        if purpose == Purpose.RESEARCH:
            return ActivityKind.RESEARCH_LOAN
        if months >= LONG_LOAN_MONTHS:
            return ActivityKind.LONG_TERM_LOAN
        return ActivityKind.LOAN_DISPLAY_UK if borrower.nation else ActivityKind.LOAN_DISPLAY_INTERNATIONAL

    # Other activities

    def activities(self, activities: Table, partners: Table, places: Table) -> None:
        wanted = max(0, self.size.activities - activities.written - len(activities.rows))
        kinds = list(ACTIVITY_KINDS)
        weights = list(ACTIVITY_KINDS.values())
        for n in range(1, wanted + 1):
            kind = self.rng.choices(kinds, weights=weights)[0]
            year = self._year()
            start = years.start(year) + timedelta(days=self.rng.randrange(365))
            end: date | None = start + timedelta(days=self.rng.randint(1, 540))
            if end and end > TODAY and self.rng.random() < 0.3:
                end = None
            national = self.nationals[min(int(self.rng.expovariate(0.12)), len(self.nationals) - 1)]
            led_by_national = self.rng.random() < 0.7
            lead = national if led_by_national else self.museums.pick()[0]
            chosen = self._partners(kind, lead, national if not led_by_national else None)
            cancelled = self.rng.random() < 0.03
            status = (
                ActivityStatus.CANCELLED
                if cancelled
                else ActivityStatus.COMPLETED
                if end and end < TODAY
                else ActivityStatus.ACTIVE
                if start <= TODAY
                else ActivityStatus.PLANNED
            )
            area = AREA_OF_KIND[kind]
            pk = activities.add(
                title=f"{ActivityKind(kind).label} {n} with {chosen[0].name if chosen else lead.name}"[:250],
                kind=kind,
                lead_id=lead.pk,
                start_date=start,
                end_date=end,
                status=status,
                visibility=self.rng.choices([Visibility.PUBLIC, Visibility.PARTNERS, Visibility.PRIVATE], [55, 35, 10])[
                    0
                ],
                visitors=round(self.rng.lognormvariate(8, 1.3)) if area == Area.COLLECTIONS else None,
                participants=round(self.rng.lognormvariate(2.8, 1.1)) if area != Area.COLLECTIONS else None,
                digital=kind == ActivityKind.DIGITAL_PROJECT or self.rng.random() < 0.1,
            )
            partners.add(activity_id=pk, organisation_id=lead.pk, role=PartnerRole.LEAD)
            for org in chosen:
                partners.add(activity_id=pk, organisation_id=org.pk, role=self._role(kind))
            where = chosen[: 1 + (self.rng.randint(1, 5) if kind == ActivityKind.TOURING_EXHIBITION else 0)] or [lead]
            for org in where:
                if org.nation or org.country != "GB":
                    places.add(activity_id=pk, organisation_id=org.pk, name=org.name, **org.location)
            if len(partners.rows) >= 100_000:
                for table in (activities, partners, places):
                    table.flush()
                self.progress("Activities", n, wanted)
        for table in (activities, partners, places):
            table.flush()
        self.progress("Activities", wanted, wanted)
        self.counts["activities"] = activities.written
        self.counts["partners"] = partners.written
        self.counts["places"] = places.written

    def _partners(self, kind: str, lead: Org, national: Org | None) -> list[Org]:
        """Most work has one or two partners; a few pieces have dozens."""
        count = min(int(self.rng.paretovariate(1.5)), 60)
        area = AREA_OF_KIND[kind]
        pool = (
            self.universities
            if area == Area.RESEARCH
            else self.schools
            if kind == ActivityKind.LEARNING_PROGRAMME
            else self.museums
        )
        chosen = [national] if national else []
        for _ in range(count):
            roll = self.rng.random()
            chosen += (self.abroad if roll < 0.05 else pool if roll < 0.8 else self.museums).pick()
        seen = {lead.pk}
        unique = []
        for org in chosen:
            if org.pk not in seen:
                seen.add(org.pk)
                unique.append(org)
        return unique

    def _role(self, kind: str) -> str:
        if AREA_OF_KIND[kind] == Area.SKILLS:
            return self.rng.choice([PartnerRole.PARTICIPANT, PartnerRole.HOST, PartnerRole.PARTNER])
        return PartnerRole.FUNDER if self.rng.random() < 0.03 else PartnerRole.PARTNER

    def _year(self) -> int:
        # Work grows a little each year, with the dip of 2020/21.
        weights = [1 + 0.04 * i for i in range(len(YEARS))]
        weights[YEARS.index(2020)] *= 0.55
        return self.rng.choices(YEARS, weights=weights)[0]

    # Programmes

    def participations(self) -> None:
        programmes, opportunities, people = Table(Programme), Table(Opportunity), Table(Participation)
        total = self.size.participations
        leads = self.nationals[: max(1, min(len(self.nationals), total // 1500 or 1))]
        programme_ids = []
        for i, lead in enumerate(leads, start=1):
            programme_ids.append(
                programmes.add(
                    name=f"Benchmark skills programme {i}",
                    slug=f"benchmark-skills-programme-{i}",
                    lead_id=lead.pk,
                    summary="Synthetic programme for the benchmarks.",
                    start_date=years.start(FIRST_YEAR),
                )
            )
        programmes.flush()
        made = 0
        n = 0
        while made < total:
            n += 1
            year = self._year()
            host = self.nationals[min(int(self.rng.expovariate(0.15)), len(self.nationals) - 1)]
            start = years.start(year) + timedelta(days=self.rng.randrange(300))
            places = min(self.rng.randint(1, 20), total - made)
            opportunity = opportunities.add(
                programme_id=self.rng.choice(programme_ids),
                host_id=host.pk,
                kind=self.rng.choice(list(OpportunityKind)),
                title=f"Benchmark opportunity {n}",
                description="Synthetic opportunity for the benchmarks.",
                skills_area=self.rng.choice(list(SkillsArea)),
                places=places,
                start_date=start,
                status=OpportunityStatus.FILLED,
            )
            for home in self.museums.pick(places):
                made += 1
                people.add(
                    opportunity_id=opportunity,
                    name=f"Participant {made}",
                    home_id=home.pk,
                    start_date=start,
                    end_date=start + timedelta(days=90),
                    outcome=Outcome.COMPLETED if start + timedelta(days=90) < TODAY else Outcome.ONGOING,
                    confidence_before=self.rng.randint(1, 3),
                    confidence_after=self.rng.randint(3, 5),
                )
        opportunities.flush()
        self.counts["participations"] = people.flush()
        self.progress("Programme participations", made, total)
        self.tables += [programmes, opportunities, people]

    # Returns

    def returns(self) -> None:
        """Ten reporting years, an approved return from every national museum in each."""
        indicators = list(Indicator.objects.values("pk", "code", "first_year", "last_year", "whole_number"))
        scale = {row["code"]: 10 ** self.rng.uniform(0.5, 3.5) for row in indicators}
        share = {org.pk: 1 / (rank + 1) ** 0.8 for rank, org in enumerate(self.lenders.orgs)}
        returns, values = Table(Return), Table(ReturnValue)
        for i, year in enumerate(YEARS):
            reporting_year = ReportingYear.objects.create(
                year=year,
                status=YearStatus.CLOSED if year == YEARS[-1] else YearStatus.PUBLISHED,
                deadline=years.end(year) + timedelta(days=120),
                opened_at=NOW,
            )
            reporting_year.organisations.set([org.pk for org in self.nationals])
            growth = (1 + 0.03 * i) * (0.3 if year == 2020 else 1)
            for org in self.nationals:
                pk = returns.add(
                    organisation_id=org.pk,
                    year_id=reporting_year.pk,
                    status=ReturnStatus.APPROVED,
                    submitted_at=NOW,
                    approved_at=NOW,
                )
                for row in indicators:
                    if (row["first_year"] or 0) > year or (row["last_year"] or 9999) < year:
                        continue
                    figure = scale[row["code"]] * share[org.pk] * growth * self.rng.uniform(0.7, 1.3)
                    value = (
                        Decimal(round(figure))
                        if row["whole_number"]
                        else Decimal(round(figure, 2)).quantize(Decimal("0.01"))
                    )
                    values.add(annual_return_id=pk, indicator_id=row["pk"], value=value, derived=value)
            self.progress("Approved returns", i + 1, len(YEARS))
        returns.flush()
        self.counts["returns"] = returns.written
        self.counts["return values"] = values.flush()
        self.tables += [returns, values]


MUSEUM_KINDS = {OrganisationKind.MUSEUM, OrganisationKind.GALLERY, OrganisationKind.HISTORIC_HOUSE}
COUNTED_LOANS = {
    LoanStatus.APPROVED,
    LoanStatus.AGREEMENT_SIGNED,
    LoanStatus.ON_LOAN,
    LoanStatus.RETURNED,
    LoanStatus.CLOSED,
    LoanStatus.CANCELLED,
}


def _loan_activity_status(status: str) -> str:
    if status == LoanStatus.CANCELLED:
        return ActivityStatus.CANCELLED
    if status in (LoanStatus.RETURNED, LoanStatus.CLOSED):
        return ActivityStatus.COMPLETED
    return ActivityStatus.ACTIVE if status == LoanStatus.ON_LOAN else ActivityStatus.PLANNED


@dataclass(frozen=True)
class Summary:
    size: Size
    counts: dict[str, int]


def wipe() -> None:
    """Delete what `generate` made (all activities, loans, programmes and returns), keeping the register."""
    through: type[models.Model] = ReportingYear.organisations.through
    doomed: list[type[models.Model]] = [ReturnValue, Return, through, ReportingYear, Participation, Opportunity]
    doomed += [Programme, LoanObject, Loan, CollectionObject, Place, Partner, Activity]
    with transaction.atomic(), connection.cursor() as cursor:
        for model in doomed:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        Organisation.objects.filter(slug__startswith="benchmark-").delete()


def has_data() -> bool:
    return Activity.objects.exists() or Loan.objects.exists() or ReportingYear.objects.exists()


def generate(*, scale: str | float = "small", seed: int = SEED, progress: Progress = _quiet) -> Summary:
    """Fill an empty database (but for the register) with synthetic partnership data at `scale`."""
    if has_data():
        raise ValueError(
            "The database already holds activities, loans or reporting years; "
            "generate benchmark data into an empty database (museumshare flush, then migrate)."
        )
    size = size_of(scale)
    generator = Generator(size, seed, progress)
    generator.register()
    with transaction.atomic():
        generator.synthetic_organisations()
        generator.pools()
        objects = generator.collections()
        activities, partners, places = Table(Activity), Table(Partner), Table(Place)
        generator.loans(objects, activities, partners, places)
        generator.activities(activities, partners, places)
        generator.participations()
        generator.returns()
        _reset_sequences([*generator.tables, activities, partners, places])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # A settled database, as autovacuum keeps one: rows deleted by an earlier `wipe` (the
            # benchmarks' smaller rounds) would otherwise make every scan read a fifth more pages.
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    return Summary(size=size, counts=dict(generator.counts))
