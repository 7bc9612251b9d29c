"""The benchmark data: the sizes asked for, spread as real work is, the same for the same seed."""

from collections import Counter
from statistics import median

import pytest
from django.db.models import Count

from bench.generate import NATIONAL, SCALES, generate, has_data, size_of, wipe
from museumshare.activities.models import Activity, Partner, Place
from museumshare.loans.models import CollectionObject, Loan, LoanObject
from museumshare.organisations.models import Organisation
from museumshare.programmes.models import Participation
from museumshare.returns.models import FINAL, Indicator, Return, ReturnValue

pytestmark = pytest.mark.django_db


def fingerprint() -> tuple[object, ...]:
    return (
        list(Activity.objects.order_by("id").values_list("kind", "lead__name", "start_date")[:50]),
        Partner.objects.count(),
        LoanObject.objects.count(),
        list(ReturnValue.objects.order_by("id").values_list("value", flat=True)[:50]),
    )


def test_the_small_scale_is_a_hundredth_of_the_national() -> None:
    small = size_of("small")
    assert SCALES["small"] == 0.01
    assert (small.activities, small.loans, small.loan_objects) == (2_000, 500, 10_000)
    assert (NATIONAL.activities, NATIONAL.loans, NATIONAL.loan_objects) == (200_000, 50_000, 1_000_000)
    assert (NATIONAL.collection_objects, NATIONAL.participations) == (500_000, 30_000)


def test_it_fills_an_empty_database_with_the_sizes_asked_for() -> None:
    summary = generate(scale="small")
    # The real register (4,191 museums, with the national bodies they belong to), and synthetic partners.
    assert Organisation.objects.exclude(slug__startswith="benchmark-").count() >= 4_191
    assert (
        Organisation.objects.filter(slug__startswith="benchmark-").count() == summary.counts["synthetic organisations"]
    )
    assert Activity.objects.count() == summary.counts["activities"] == 2_000
    assert Loan.objects.count() == 500
    assert Participation.objects.count() == 300
    # Small lenders own few objects, so a few loans carry fewer than drawn.
    assert 9_500 <= LoanObject.objects.count() <= 10_000
    assert 4_900 <= CollectionObject.objects.count() <= 5_100
    national = Organisation.objects.national_bodies().filter(partnership_report=True).count()
    assert national == 22
    assert Return.objects.filter(status__in=FINAL).count() == 22 * 10
    # Every return has a value for every indicator its year asks for.
    year = Return.objects.order_by("-year__year").first()
    assert year is not None
    assert year.values.count() == Indicator.objects.for_year(year.year.year).count()


def test_work_is_spread_as_real_work_is() -> None:
    generate(scale="small")
    partners = list(Activity.objects.annotate(n=Count("partners")).values_list("n", flat=True))
    # Most have a partner or two besides the lead; a few have many.
    assert median(partners) <= 3
    assert max(partners) >= 15
    # London is busier than its share of museums.
    places = Counter(Place.objects.exclude(region_code="").values_list("region_code", flat=True))
    museums = Counter(Organisation.objects.exclude(region_code="").values_list("region_code", flat=True))
    london = "E12000007"
    assert places[london] / sum(places.values()) > museums[london] / sum(museums.values())
    # A few national museums lend most objects.
    lent = sorted(Loan.objects.values("lender").annotate(n=Count("loan_objects")).values_list("n", flat=True))
    assert sum(lent[-5:]) > sum(lent[:-5])
    assert Activity.objects.filter(status="cancelled").exists()
    assert Place.objects.filter(nation="").exclude(country="GB").exists()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    generate(scale="small", seed=7)
    first = fingerprint()
    wipe()
    assert not has_data()
    generate(scale="small", seed=7)
    assert fingerprint() == first
    wipe()
    generate(scale="small", seed=8)
    assert fingerprint() != first


def test_it_refuses_a_database_that_already_holds_work() -> None:
    generate(scale=0.001)
    with pytest.raises(ValueError, match="already holds"):
        generate(scale=0.001)
