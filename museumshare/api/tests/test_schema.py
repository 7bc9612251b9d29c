"""The API keeps to its own OpenAPI schema, in process, with requests schemathesis generates.

Every operation is called as the administrator (who may write anything) with examples, edge
cases and random data, valid and not: no answer may be a server error, or have a status code,
content type or body the schema does not declare.
"""

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from museumshare.accounts.models import User
from museumshare.accounts.services import token_create
from museumshare.activities.models import Activity, Network, NetworkMembership, Visibility
from museumshare.api.tests.conftest import Programmes
from museumshare.loans.models import Loan
from museumshare.needs.tests.conftest import make_offer, post_need
from museumshare.organisations.models import Organisation
from museumshare.reports import pdf
from museumshare.reports.services import report_publish
from museumshare.returns import services as returns_services
from museumshare.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Random requests per operation; schemathesis adds its edge cases, about 1,500 calls in all.
EXAMPLES = 30
# The years `records` makes: a published report, and an open collection.
YEARS = ["2023-24", "2024-25"]

Exhibition = Callable[..., Activity]
GeneratedCase = schemathesis.Case[Any]


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """Calls go straight to the WSGI app, whose request signals would close the database connection
    the test's transaction runs in (PostgreSQL then fails every later query); Django's own test
    client disconnects them in the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(autouse=True)
def no_throttles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of calls a minute from one address are what the throttles exist to refuse (their own
    tests are in accounts); here every call must reach the API."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", dict.fromkeys(SimpleRateThrottle.THROTTLE_RATES))


@pytest.fixture
def admin_token(admin_user: User) -> str:
    return token_create(actor=admin_user, user=admin_user, name="Schema tests")[1]


@pytest.fixture
def records(
    exhibition: Exhibition,
    portrait_loan: Callable[..., Loan],
    portrait_gallery: Organisation,
    laing: Organisation,
    programmes: Programmes,
    analyst: User,
    alice: User,
    bob: User,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, list[int]]:
    """Ids of a few records of each kind, so that generated requests find some."""
    activities = [exhibition(visibility).pk for visibility in Visibility]
    later = {"requested_start": date(2028, 3, 1), "requested_end": date(2028, 7, 1)}
    loans = [portrait_loan().pk, portrait_loan(purpose="research", exhibition_title="", **later).pk]
    network = Network.objects.create(name="Portrait network", coordinator=portrait_gallery)
    for organisation, year in [(portrait_gallery, 2020), (laing, 2020), (laing, 2021)]:
        NetworkMembership.objects.create(network=network, organisation=organisation, year=year)
    # A year whose report is published; its PDF is not what this test is about.
    monkeypatch.setattr(pdf, "render", lambda data: b"%PDF-1.7")
    published = returns_services.year_create(actor=analyst, year=2023, organisations=[portrait_gallery])
    returns_services.year_open(year=published, actor=analyst)
    returns_services.year_close(year=published, actor=analyst)
    report_publish(year=published, actor=analyst)
    # One open year asking one museum: its return is a draft the administrator may fill in and submit.
    reporting_year = returns_services.year_create(actor=analyst, year=2024, organisations=[portrait_gallery])
    returns_services.year_open(year=reporting_year, actor=analyst)
    return {
        "activities": activities,
        "organisations": [portrait_gallery.pk, laing.pk],
        "networks": [network.pk],
        "loans": loans,
        "opportunities": [opportunity.pk for opportunity in programmes.opportunities()],
        "events": [programmes.seminar.pk, programmes.laing_talk.pk],
        "resources": [programmes.guide.pk, programmes.film.pk],
        "returns": list(reporting_year.returns.values_list("pk", flat=True)),
        "needs": [post_need(bob, laing).pk, post_need(bob, laing, visibility="private").pk],
        "offers": [make_offer(alice, portrait_gallery).pk],
    }


def aim_at_records(case: GeneratedCase, records: dict[str, list[int]]) -> None:
    """Send the even ids generated to a record that exists, and the years that start with an even
    digit to one of YEARS; the others mostly find nothing.

    The coverage phase sends all its bodies to the id "0": aimed, they reach the validation.
    """
    generated = str((case.path_parameters or {}).get("id", ""))
    if generated.isdigit() and int(generated) % 2 == 0:
        ids = records[case.operation.path.split("/")[3]]
        case.path_parameters = {"id": ids[int(generated) // 2 % len(ids)]}
    year = str((case.path_parameters or {}).get("year", ""))
    if year[:1].isdigit() and int(year[0]) % 2 == 0:
        case.path_parameters = {"year": YEARS[int(year[0]) // 2 % len(YEARS)]}


@pytest.fixture(scope="module")
def calls() -> Iterator[Counter[str]]:
    """Calls made, by operation; each operation must get enough of them to mean something."""
    made: Counter[str] = Counter()
    yield made
    assert min(made.values()) >= EXAMPLES, made


# Generating the schema needs no database, so it is loaded, from the app, as the tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # The records are made once per operation, not per request: requests may change them.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_the_api_keeps_to_its_schema(
    case: GeneratedCase,
    records: dict[str, list[int]],
    admin_token: str,
    calls: Counter[str],
) -> None:
    aim_at_records(case, records)
    response = case.call_and_validate(headers={"Authorization": f"Token {admin_token}"}, checks=CHECKS)
    assert response.status_code < 500
    calls[case.operation.label] += 1


# Random requests per operation and kind (valid and not), each sent by a visitor and by alice with a
# token. One test, one set of records: generating and calling is quick, making the records is not.
PEOPLE_EXAMPLES = 6


def test_no_call_from_a_visitor_or_an_editor_with_a_token_is_a_server_error(
    records: dict[str, list[int]], alice: User, capsys: pytest.CaptureFixture[str]
) -> None:
    headers = {
        "anonymous": {},
        "alice": {"Authorization": f"Token {token_create(actor=alice, user=alice, name='Schema')[1]}"},
    }
    made: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    failures: list[str] = []

    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=PEOPLE_EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def call(case: GeneratedCase) -> None:
                aim_at_records(case, records)
                # Credentials are the person's own: a generated wrong token would lock the address out.
                if case.headers:
                    case.headers.pop("Authorization", None)
                for person, sent in headers.items():
                    status = case.call(headers=sent).status_code
                    made[person] += 1
                    statuses[status] += 1
                    if status >= 500:
                        failures.append(f"{person} {case.method} {case.formatted_path} {case.query}: {status}")

            with contextlib.suppress(Unsatisfiable):  # an operation with nothing to get wrong
                call()

    with capsys.disabled():
        print(
            f"\nThe API answered {made.total():,} generated calls "
            f"({made['anonymous']:,} anonymous, {made['alice']:,} from alice), by status: {dict(statuses)}"
        )
    assert not failures, "\n".join(failures)
    assert made.total() >= 1_000, made
