"""Every write service refuses charlie, who is signed in but belongs to no organisation and holds no role.

The services are read from the package: every public function defined in a `services` module whose
`actor` is keyword-only. A new service is called here the day it is written, with its arguments
made from ARGUMENTS by parameter name, so one that forgets to check permission fails, and one with a
parameter the table does not know fails too, asking for it to be added.

Each service is handed records that belong to other people: alice's National Portrait Gallery,
bob's Laing Art Gallery, their loan, programme, needs and returns, made once for the module. Each
call runs in a savepoint rolled back afterwards, and must raise NotPermitted having written nothing.
A service anyone signed in may use on their own behalf is listed in MAY_ACT, with the reason.
"""

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.test import override_settings
from django.utils import timezone

import museumshare
from museumshare.accounts.models import ApiToken, User
from museumshare.activities.models import Activity, Kind, Partner, PartnerRole, Visibility
from museumshare.conftest import PASSWORD, SAMPLE_REFS, write_sample
from museumshare.core.services import NotPermitted
from museumshare.loans.models import CollectionObject, DocumentKind, Loan, LoanObject, Purpose, Stage
from museumshare.loans.models import Status as LoanStatus
from museumshare.needs.models import Kind as NeedKind
from museumshare.needs.models import Need, Offer
from museumshare.needs.models import Visibility as NeedVisibility
from museumshare.organisations.demo import LAING_ART_GALLERY, NATIONAL_PORTRAIT_GALLERY, ensure_cast
from museumshare.organisations.importer import import_organisations, national_sites
from museumshare.organisations.models import Contact, Organisation
from museumshare.programmes.models import (
    Action,
    Application,
    ApplicationStatus,
    Audience,
    Display,
    Event,
    EventKind,
    MemberRole,
    MentoringPair,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    Outcome,
    Participation,
    Programme,
    ProgrammeMember,
    Resource,
    ResourceKind,
    SkillsArea,
)
from museumshare.returns.catalogue import ensure_catalogue
from museumshare.returns.models import ReportingYear, Return, ReturnStatus, YearStatus
from museumshare.returns.services import Entry

Service = Callable[..., Any]
World = dict[str, Any]

# Services anyone signed in may use on their own behalf. Each is still called, with a record that is
# not charlie's to act on, where ARGUMENTS_OF gives one for it; the others are skipped with the reason.
MAY_ACT = {
    "accounts.password_reset_requested": "anyone, signed in or not, may ask for a link: it goes only to the address",
    # A draft or closed opportunity is refused as not open now (Refused), not as not his (NotPermitted).
    "programmes.application_submit": "anyone signed in may apply for an opportunity: none is closed to him by role",
    "programmes.event_register": "anyone signed in may register for an event open to all",
    "programmes.event_unregister": "one can only take back one's own registration: there is no one else's to take",
}
# Not a way in: called only by services that have checked already.
INTERNAL = {
    "activities.activity_in_step": "internal: the loan's and the programme's services check before they call it",
}


def discover() -> Iterator[tuple[str, Service]]:
    """Every public function defined in a services module (or package) with a keyword-only `actor`."""
    for module_info in pkgutil.walk_packages(museumshare.__path__, "museumshare."):
        parts = module_info.name.split(".")
        if "services" not in parts[2:] or "tests" in parts:
            continue
        module = importlib.import_module(module_info.name)
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function) or function.__module__ != module.__name__:
                continue
            actor = inspect.signature(function).parameters.get("actor")
            if actor is not None and actor.kind is inspect.Parameter.KEYWORD_ONLY:
                yield f"{parts[1]}.{name}", function


SERVICES = dict(sorted(discover()))


# The arguments, by parameter name: records of alice's and bob's, fetched afresh for every call so
# nothing one call changed in memory reaches the next. A service whose parameter means something
# else under the same name has its own entry in ARGUMENTS_OF.


def fresh(instance: models.Model) -> Any:
    return type(instance)._default_manager.get(pk=instance.pk)


def record(key: str) -> Callable[[World], Any]:
    return lambda world: fresh(world[key])


def value(constant: Any) -> Callable[[World], Any]:
    return lambda world: constant


TODAY = date.today()
FINE_ART = "Arts-Fine_and_decorative_arts"
ARGUMENTS: dict[str, Callable[[World], Any]] = {
    # Records
    "activity": record("public_activity"),
    "partner": record("partner"),
    "loan": record("loan"),
    "loan_object": lambda world: fresh(world["loan"]).loan_objects.get(),
    "owner": record("portrait_gallery"),
    "organisation": record("portrait_gallery"),
    "from_organisation": record("laing"),
    "to_organisation": record("portrait_gallery"),
    "contact": record("contact"),
    "membership": lambda world: fresh(world["people"]["alice"]).memberships.get(),
    "programme": record("public_programme"),
    "member": lambda world: fresh(world["public_programme"]).members.get(organisation=world["laing"]),
    "opportunity": record("open_opportunity"),
    "application": record("application"),
    "participation": record("participation"),
    "pair": record("pair"),
    "event": record("event"),
    "action": record("action"),
    "display": record("display"),
    "resource": record("resource"),
    "need": record("public_need"),
    "offer": record("public_offer"),
    "year": record("open_year"),
    "return_": record("open_return"),
    "token": record("token"),
    "user": lambda world: fresh(world["people"]["bob"]),
    # Values
    "data": value({}),
    "items": value([]),
    "to": value(LoanStatus.ACKNOWLEDGED),
    "note": value("A stranger's note."),
    "notes": value("A stranger's notes."),
    "comment": value("A stranger's comment."),
    "comments": value("A stranger's comments."),
    "message": value("Hello from a stranger."),
    "statement": value("I would like this place."),
    "story": value("What I learnt."),
    "reason": value("a stranger asked"),
    "name": value("A stranger's token"),
    "title": value("A stranger's document"),
    "kind": value(DocumentKind.OTHER),
    "file": lambda world: ContentFile(b"%PDF-1.4\n%%EOF\n", name="stranger.pdf"),
    "stage": value(Stage.DISPATCH),
    "condition": value("Good"),
    "checked_on": value(TODAY),
    "until": value(TODAY + timedelta(days=800)),
    "agree": value(True),
    "accepts": value(False),
    "role": value(MemberRole.PARTNER),
    "joined": value(TODAY),
    "left": value(TODAY),
    "attended": value(set()),
    "entries": value({"audience_uk": Entry(value="1000")}),
}


def new_activity(world: World) -> dict[str, Any]:
    return {
        "title": "A stranger's exhibition",
        "kind": Kind.CO_PRODUCED_EXHIBITION,
        "lead": fresh(world["portrait_gallery"]),
        "start_date": date(2024, 9, 1),
        "visibility": Visibility.PUBLIC,
    }


ARGUMENTS_OF: dict[str, dict[str, Callable[[World], Any]]] = {
    "activities.activity_create": {"data": new_activity},
    "activities.activity_create_many": {"items": lambda world: [(new_activity(world), [], [])]},
    "activities.activity_update": {"data": value({"title": "Changed by a stranger"})},
    "activities.partner_update": {"data": value({"visitors": 1})},
    "loans.loan_create": {
        "data": lambda world: {
            "reference": "LO-2027-0099",
            "lender": fresh(world["portrait_gallery"]),
            "borrower": fresh(world["laing"]),
            "purpose": Purpose.EXHIBITION,
            "exhibition_title": "A stranger's exhibition",
            "requested_start": TODAY + timedelta(days=300),
            "requested_end": TODAY + timedelta(days=420),
        }
    },
    "loans.loan_update": {"data": value({"exhibition_title": "Changed by a stranger"})},
    "loans.collection_object_save": {"data": value({"accession_number": "STRANGER 1", "title": "Not theirs"})},
    "loans.loans_policy_update": {"data": value({"notice_weeks": 1})},
    "needs.need_create": {
        "data": lambda world: {
            "organisation": fresh(world["laing"]),
            "kind": NeedKind.LOANS,
            "subjects": [FINE_ART],
            "title": "A stranger's need",
            "description": "Posted by someone who does not work there.",
            "visibility": NeedVisibility.PUBLIC,
        }
    },
    "needs.need_update": {"data": value({"title": "Changed by a stranger"})},
    "needs.offer_create": {
        "data": lambda world: {
            "organisation": fresh(world["portrait_gallery"]),
            "kind": NeedKind.LOANS,
            "subjects": [FINE_ART],
            "title": "A stranger's offer",
            "description": "Offered by someone who does not work there.",
            "regions": [],
            "visibility": NeedVisibility.PUBLIC,
        }
    },
    "needs.offer_update": {"data": value({"title": "Changed by a stranger"})},
    "organisations.organisation_update": {"data": value({"offers_programmes": "Whatever a stranger says."})},
    "organisations.contact_create": {"data": value({"name": "Chris Stranger", "role": "Nobody's"})},
    "organisations.contact_update": {"data": value({"name": "Changed by a stranger"})},
    "programmes.programme_create": {
        "data": lambda world: {
            "name": "A stranger's programme",
            "lead": fresh(world["portrait_gallery"]),
            "summary": "Led in someone else's name.",
            "start_date": TODAY,
        }
    },
    "programmes.programme_update": {"data": value({"summary": "Changed by a stranger"})},
    "programmes.member_add": {"organisation": lambda world: fresh(world["another_museum"])},
    "programmes.opportunity_create": {
        "data": lambda world: {
            "programme": fresh(world["public_programme"]),
            "host": fresh(world["portrait_gallery"]),
            "kind": OpportunityKind.PLACEMENT,
            "title": "A stranger's placement",
            "description": "Offered in someone else's name.",
            "skills_area": SkillsArea.COLLECTIONS_CARE,
            "start_date": TODAY + timedelta(days=60),
        }
    },
    "programmes.opportunity_update": {"data": value({"title": "Changed by a stranger"})},
    "programmes.application_move": {"to": value(ApplicationStatus.SHORTLISTED)},
    "programmes.participation_record": {"data": value({"name": "Chris Stranger", "start_date": TODAY})},
    "programmes.participation_update": {"data": value({"outcome": Outcome.COMPLETED})},
    "programmes.participation_evaluate": {
        "data": value({"skills_gained": "Many", "confidence_before": 1, "confidence_after": 5, "would_recommend": True})
    },
    "programmes.participation_host_evaluate": {"data": value({"host_feedback": "Excellent", "host_rating": 5})},
    "programmes.pair_create": {
        "data": lambda world: {
            "mentor_name": "Alice Ashby",
            "mentor_organisation": fresh(world["portrait_gallery"]),
            "mentee_name": "Bob Bell",
            "mentee_organisation": fresh(world["laing"]),
            "start_date": TODAY,
        }
    },
    "programmes.meeting_log": {"data": value({"date": TODAY, "minutes": 30})},
    "programmes.event_create": {
        "data": lambda world: {
            "organiser": fresh(world["portrait_gallery"]),
            "kind": EventKind.SEMINAR,
            "title": "A stranger's seminar",
            "starts_at": timezone.now() + timedelta(days=20),
        }
    },
    "programmes.event_update": {"data": value({"title": "Changed by a stranger"})},
    # Not open to him: for the staff of a private programme's museums.
    "programmes.event_register": {"event": record("members_event"), "organisation": value(None)},
    "programmes.action_create": {"data": value({"description": "A stranger's action"})},
    "programmes.action_update": {"data": value({"done": True})},
    "programmes.display_create": {
        "data": lambda world: {"title": "A stranger's display", "host": fresh(world["laing"]), "opens": TODAY}
    },
    "programmes.resource_create": {
        "data": lambda world: {
            "title": "A stranger's guide",
            "kind": ResourceKind.GUIDE,
            "description": "Published in someone else's name.",
            "url": "https://example.org/guide",
            "organisation": fresh(world["portrait_gallery"]),
        }
    },
    "programmes.resource_update": {"data": value({"title": "Changed by a stranger"})},
    "returns.year_create": {"year": value(2031)},
    "returns.year_update": {"data": value({"deadline": TODAY + timedelta(days=90)})},
    "returns.year_publish": {"year": record("draft_year")},
    "reports.report_publish": {"year": record("draft_year")},
}


def arguments_for(name: str, service: Service, world: World) -> dict[str, Any]:
    """The keyword arguments for every parameter `service` requires, but the actor."""
    table = ARGUMENTS | ARGUMENTS_OF.get(name, {})
    kwargs = {}
    for parameter in inspect.signature(service).parameters.values():
        if parameter.name == "actor" or parameter.default is not inspect.Parameter.empty:
            continue
        if parameter.name not in table:
            pytest.fail(f"{name} takes `{parameter.name}`, which ARGUMENTS does not know: add it to the table")
        kwargs[parameter.name] = table[parameter.name](world)
    return kwargs


# The records, made once for the module, straight into the tables: the services under test make
# none of them, so one service's change cannot break another's call.


def build_records(
    people: dict[str, User], gallery: Organisation, laing: Organisation, elsewhere: Organisation
) -> World:
    """alice's Gallery and bob's Laing: a loan, an activity, a programme and all it holds, a need, an
    offer, a return, bob's token."""
    alice, bob = people["alice"], people["bob"]
    soon = TODAY + timedelta(days=60)
    world: World = {"people": people, "portrait_gallery": gallery, "laing": laing, "another_museum": elsewhere}

    activity = Activity.objects.create(
        title="Portraits of the North",
        kind=Kind.CO_PRODUCED_EXHIBITION,
        lead=gallery,
        start_date=date(2024, 9, 1),
        visibility=Visibility.PUBLIC,
    )
    Partner.objects.create(activity=activity, organisation=gallery, role=PartnerRole.LEAD)
    world |= {
        "public_activity": activity,
        "partner": Partner.objects.create(activity=activity, organisation=laing, role=PartnerRole.PARTNER),
    }

    world["loan"] = Loan.objects.create(
        reference="LO-2027-0001",
        lender=gallery,
        borrower=laing,
        purpose=Purpose.EXHIBITION,
        exhibition_title="Faces of the North",
        requested_start=TODAY + timedelta(days=300),
        requested_end=TODAY + timedelta(days=420),
        status=LoanStatus.REQUESTED,
        created_by=bob,
    )
    portrait = CollectionObject.objects.create(owner=gallery, accession_number="TEST 1", title="Portrait study")
    LoanObject.objects.create(loan=world["loan"], object=portrait)
    world["contact"] = Contact.objects.create(organisation=gallery, name="Pat Partner", role="Head of Partnerships")

    programme = Programme.objects.create(
        name="Portrait skills", slug="portrait-skills", lead=gallery, summary="Skills.", start_date=TODAY
    )
    private = Programme.objects.create(
        name="Leads' circle", slug="leads-circle", lead=gallery, summary="The leads.", start_date=TODAY, public=False
    )
    world["public_programme"] = programme
    for organisation, role in ((gallery, MemberRole.LEAD), (laing, MemberRole.PARTNER)):
        ProgrammeMember.objects.create(programme=programme, organisation=organisation, role=role, joined=TODAY)
    ProgrammeMember.objects.create(programme=private, organisation=gallery, role=MemberRole.LEAD, joined=TODAY)
    world["open_opportunity"] = Opportunity.objects.create(
        programme=programme,
        host=gallery,
        kind=OpportunityKind.PLACEMENT,
        title="Collections care placement",
        description="Twelve weeks with the collections team.",
        skills_area=SkillsArea.COLLECTIONS_CARE,
        start_date=soon,
        closing_date=TODAY + timedelta(days=30),
        status=OpportunityStatus.OPEN,
        created_by=alice,
    )
    world["application"] = Application.objects.create(
        opportunity=world["open_opportunity"], applicant=bob, organisation=laing, statement="I care."
    )
    world["participation"] = Participation.objects.create(
        opportunity=world["open_opportunity"], participant=bob, name="Bob Bell", home=laing, start_date=soon
    )
    world["pair"] = MentoringPair.objects.create(
        programme=programme,
        mentor=alice,
        mentor_name="Alice Ashby",
        mentor_organisation=gallery,
        mentee=bob,
        mentee_name="Bob Bell",
        mentee_organisation=laing,
        start_date=TODAY,
    )
    event = {"organiser": gallery, "kind": EventKind.SEMINAR, "starts_at": timezone.now() + timedelta(days=20)}
    world["event"] = Event.objects.create(**event, programme=programme, title="Lighting portraits")
    world["members_event"] = Event.objects.create(
        **event, programme=private, title="The leads' meeting", audience=Audience.MEMBERS
    )
    world["action"] = Action.objects.create(event=world["event"], description="Share the plans")
    world["display"] = Display.objects.create(programme=programme, title="Faces", host=laing, opens=TODAY)
    world["display"].partners.set([gallery])
    world["resource"] = Resource.objects.create(
        title="Condition checking guide",
        kind=ResourceKind.GUIDE,
        description="For anyone who cares for collections.",
        url="https://example.org/guide",
        programme=programme,
        organisation=gallery,
        created_by=alice,
    )

    listing = {"kind": NeedKind.LOANS, "subjects": [FINE_ART], "visibility": NeedVisibility.PUBLIC}
    world["public_need"] = Need.objects.create(
        **listing, organisation=laing, title="Borrow portraits", description="Georgian sitters.", created_by=bob
    )
    world["public_offer"] = Offer.objects.create(
        **listing, organisation=gallery, title="Portrait loans", description="Paintings.", created_by=alice
    )

    world["open_year"] = ReportingYear.objects.create(year=2024, status=YearStatus.OPEN)
    world["draft_year"] = ReportingYear.objects.create(year=2019, status=YearStatus.CLOSED)
    world["open_return"] = Return.objects.create(organisation=gallery, year=world["open_year"])
    Return.objects.create(organisation=gallery, year=world["draft_year"], status=ReturnStatus.LOCKED)
    world["token"] = ApiToken.objects.create(
        user=bob, name="bob's script", prefix="abcdefgh", key_hash="0" * 64, expires=timezone.now() + timedelta(days=9)
    )
    return world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The records, made in a transaction rolled back after the module's last test; each test's own
    savepoint keeps one call's writes from the next."""
    folder: Path = tmp_path_factory.mktemp("strangers")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=folder / "media"),
        transaction.atomic(),
    ):
        ensure_catalogue()
        refs = SAMPLE_REFS | {site["site_ref"] for site in national_sites()}
        import_organisations(path=write_sample(folder / "sample.csv", refs))
        gallery = Organisation.objects.get(external_id=NATIONAL_PORTRAIT_GALLERY)
        laing = Organisation.objects.get(external_id=LAING_ART_GALLERY)
        elsewhere = Organisation.objects.exclude(pk__in=(gallery.pk, laing.pk)).order_by("pk").first()
        assert elsewhere is not None
        yield build_records(ensure_cast(PASSWORD), gallery, laing, elsewhere)
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    """How many rows each of museumshare's tables holds."""
    return {
        model._meta.label: model._default_manager.count()
        for model in django_apps.get_models()
        if model.__module__.startswith("museumshare.")
    }


# The tests


def test_every_service_is_found() -> None:
    assert {"loans.loan_create", "programmes.event_register", "returns.return_submit"} <= SERVICES.keys()
    assert not (MAY_ACT.keys() | INTERNAL.keys() | ARGUMENTS_OF.keys()) - SERVICES.keys(), "a table names no service"


@pytest.mark.parametrize("name", SERVICES)
def test_it_refuses_charlie(world: World, db: None, name: str) -> None:
    if name in INTERNAL:
        pytest.skip(INTERNAL[name])
    if name in MAY_ACT and name not in ARGUMENTS_OF:
        pytest.skip(MAY_ACT[name])
    service = SERVICES[name]
    kwargs = arguments_for(name, service, world)
    charlie = User.objects.get(pk=world["people"]["charlie"].pk)
    before = counts()

    try:
        service(actor=charlie, **kwargs)
    except NotPermitted:
        pass
    except PermissionDenied as error:
        pytest.fail(
            f"{name} refused charlie with a bare {type(error).__name__} ({error}): refuse with core.services.require"
        )
    except Exception as error:
        pytest.fail(
            f"{name} raised {type(error).__name__} ({error}) for charlie: it must refuse him before anything else"
        )
    else:
        pytest.fail(f"{name} did what charlie asked: it must refuse someone with no role")

    assert counts() == before, f"{name} refused charlie but wrote first"
