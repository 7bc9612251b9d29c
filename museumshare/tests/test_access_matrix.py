"""Who may open every address: each named URL, web and API, for each of seven people.

The addresses are read from the URL configuration, so a new view cannot ship without a decision
here about who may open it: an address the matrix does not classify fails
`test_every_named_address_has_an_access_decision`, naming it.

The people: anonymous; charlie (signed in, no organisation); bob (editor at the Laing Art
Gallery); alice (editor at the National Portrait Gallery); the analyst; a programme manager (a
viewer at the National Portrait Gallery, which leads the programmes); the administrator.

What each outcome means:
    200       the page or file is served (201 or 204 for an API write that was accepted).
    sign-in   302 to the sign-in page: the address needs an account.
    redirect  302 anywhere else (a form or step that sends the reader on).
    401       the API asks for credentials.
    403       refused: the person is known, and may know the record exists, but may not do this.
    404       not found: the person may not learn that the record exists.
    405       the address does not accept the method (a write-only address opened with GET).

Every request runs in a savepoint that is rolled back, so a write one address accepts never
changes what the next address finds. PDFs are not drawn: the decision comes before the drawing.
"""

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from museumshare.accounts.models import PlatformGroup, User
from museumshare.activities.models import Kind, Network, PartnerRole, Visibility
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.loans.models import CollectionObject, LoanDocument, Purpose, Status
from museumshare.loans.services import loan_create, loan_transition
from museumshare.needs import services as needs_services
from museumshare.needs.models import Kind as NeedKind
from museumshare.needs.models import Visibility as NeedVisibility
from museumshare.organisations.models import Membership, Organisation, Role
from museumshare.organisations.services import contact_create
from museumshare.programmes import services as programme_services
from museumshare.programmes.models import (
    EventKind,
    MemberRole,
    OpportunityKind,
    OpportunityStatus,
    ResourceKind,
    SkillsArea,
)
from museumshare.reports import services as report_services
from museumshare.returns import services as return_services
from museumshare.returns.importer import import_returns_content

# The smallest PNG there is: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
# Two-factor authentication is required of these: the matrix signs them in having given a code.
GIVE_A_CODE = ("analyst", "manager", "admin")
ROLES = ("anonymous", "charlie", "bob", "alice", "analyst", "manager", "admin")
SIGN_IN = "sign-in"
REDIRECT = "redirect"
PUBLISHED_YEAR = 2020
DRAFT_YEAR = 2019
OPEN_YEAR = 2024


# The people and the records every address is opened with


def programme_manager(portrait_gallery: Organisation) -> User:
    user = User.objects.create_user("manager@example.org", "not used", name="Priya Manager")
    user.groups.add(Group.objects.get_or_create(name=PlatformGroup.PROGRAMME_MANAGER.value)[0])
    Membership.objects.create(user=user, organisation=portrait_gallery, role=Role.VIEWER)
    return user


def build_world(cast: dict[str, User], portrait_gallery: Organisation, laing: Organisation) -> dict[str, Any]:
    """One of each record an address can name, made through the services by the people who would."""
    alice, bob, analyst = cast["alice"], cast["bob"], cast["analyst"]
    world: dict[str, Any] = {"portrait_gallery": portrait_gallery, "laing": laing}

    # Activities of each visibility, led by alice's Gallery with bob's Laing as partner.
    for visibility in Visibility:
        world[f"{visibility}_activity"] = activity_create(
            actor=alice,
            data={
                "title": f"Portraits of the North ({visibility})",
                "kind": Kind.CO_PRODUCED_EXHIBITION,
                "lead": portrait_gallery,
                "start_date": date(2020, 9, 1),
                "end_date": date(2021, 5, 31),
                "visibility": visibility,
            },
            partners=[(laing, PartnerRole.PARTNER)],
            places=[PlaceSpec(organisation=laing)],
        )
    world["partner"] = world["public_activity"].partners.get(organisation=laing)
    world["network"] = Network.objects.create(name="Portrait network", coordinator=portrait_gallery)

    # A loan from alice's Gallery to bob's Laing, requested, with a document; and bob's draft.
    portrait = CollectionObject.objects.create(
        owner=portrait_gallery,
        accession_number="TEST 1",
        title="Portrait study",
        valuation=Decimal("250000"),
        image=ContentFile(PNG, name="portrait.png"),
    )
    world["object"] = portrait

    def request(reference: str) -> Any:
        data = {
            "reference": reference,
            "lender": portrait_gallery,
            "borrower": laing,
            "purpose": Purpose.EXHIBITION,
            "exhibition_title": "Faces of the North",
            "requested_start": date.today() + timedelta(days=300),
            "requested_end": date.today() + timedelta(days=420),
        }
        return loan_create(actor=bob, data=data, objects=[portrait])

    world["loan"] = loan_transition(loan=request("LO-2027-0001"), actor=bob, to=Status.REQUESTED)
    world["draft_loan"] = request("LO-2027-0002")
    world["document"] = LoanDocument.objects.create(
        loan=world["loan"],
        kind="other",
        title="Condition report",
        file=ContentFile(b"%PDF-1.4", name="c.pdf"),
        uploaded_by=bob,
    )

    # The Gallery's public and private contacts.
    world["contact"] = contact_create(
        organisation=portrait_gallery, actor=alice, data={"name": "Pat Partner", "role": "Head of Partnerships"}
    )

    # Programmes, public and private, led by the Gallery; an opportunity of each status, an
    # application, a participation, a mentoring pair, an event with an action, resources.
    start = date(2024, 4, 1)
    world["public_programme"] = programme_services.programme_create(
        actor=alice,
        data={"name": "Portrait skills", "lead": portrait_gallery, "summary": "Skills.", "start_date": start},
        members=[(laing, MemberRole.PARTNER, start)],
    )
    world["private_programme"] = programme_services.programme_create(
        actor=alice,
        data={
            "name": "Leads' circle",
            "lead": portrait_gallery,
            "summary": "The leads meet.",
            "start_date": start,
            "public": False,
        },
    )
    for status in (OpportunityStatus.OPEN, OpportunityStatus.DRAFT):
        world[f"{status}_opportunity"] = programme_services.opportunity_create(
            actor=alice,
            data={
                "programme": world["public_programme"],
                "host": portrait_gallery,
                "kind": OpportunityKind.PLACEMENT,
                "title": f"Collections care placement ({status})",
                "description": "Twelve weeks with the collections team.",
                "skills_area": SkillsArea.COLLECTIONS_CARE,
                "start_date": date.today() + timedelta(days=60),
                "closing_date": date.today() + timedelta(days=30),
                "status": status,
            },
        )
    world["application"] = programme_services.application_submit(
        opportunity=world["open_opportunity"], actor=bob, organisation=laing, statement="I care.", notify=False
    )
    world["participation"] = programme_services.participation_record(
        opportunity=world["open_opportunity"],
        actor=alice,
        data={"name": "Bob Bell", "participant": bob, "home": laing, "start_date": date.today()},
    )
    world["pair"] = programme_services.pair_create(
        actor=alice,
        data={
            "programme": world["public_programme"],
            "mentor": alice,
            "mentor_name": "Alice Ashby",
            "mentor_organisation": portrait_gallery,
            "mentee": bob,
            "mentee_name": "Bob Bell",
            "mentee_organisation": laing,
            "start_date": date.today(),
        },
    )
    world["event"] = programme_services.event_create(
        actor=alice,
        data={
            "programme": world["public_programme"],
            "organiser": portrait_gallery,
            "kind": EventKind.SEMINAR,
            "title": "Lighting portraits",
            "starts_at": timezone.now() + timedelta(days=20),
            "online_link": "https://meet.example.org/portraits",
        },
    )
    world["action"] = programme_services.action_create(
        event=world["event"], actor=alice, data={"description": "Share the plans", "owner_name": "Alice Ashby"}
    )
    world["resource"] = programme_services.resource_create(
        actor=alice,
        data={
            "title": "Condition checking guide",
            "kind": ResourceKind.GUIDE,
            "description": "For anyone who cares for collections.",
            "programme": world["public_programme"],
            "organisation": portrait_gallery,
        },
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="guide.pdf"),
    )

    # bob's needs and alice's offers, public and private.
    for shown_to in (NeedVisibility.PUBLIC, NeedVisibility.PRIVATE):
        world[f"{shown_to}_need"] = needs_services.need_create(
            actor=bob,
            data={
                "organisation": laing,
                "kind": NeedKind.LOANS,
                "subjects": ["Arts-Fine_and_decorative_arts"],
                "title": f"Borrow portraits ({shown_to})",
                "description": "Portraits of Georgian Tyneside sitters.",
                "starts": date(2027, 3, 1),
                "ends": date(2027, 9, 30),
                "visibility": shown_to,
            },
        )
        world[f"{shown_to}_offer"] = needs_services.offer_create(
            actor=alice,
            data={
                "organisation": portrait_gallery,
                "kind": NeedKind.LOANS,
                "subjects": ["Arts-Fine_and_decorative_arts"],
                "title": f"Portrait loans ({shown_to})",
                "description": "Loans of paintings.",
                "capacity": 40,
                "regions": [],
                "visibility": shown_to,
            },
        )

    # Returns: two years imported closed, one published with its report and one left a draft;
    # and an open year in which alice's Gallery has its return under way.
    ref = portrait_gallery.external_id
    rows = [f"{ref},{year}/{(year + 1) % 100:02d},audience_uk,{1000 + year}" for year in (DRAFT_YEAR, PUBLISHED_YEAR)]
    import_returns_content(
        name="returns.csv", content="\n".join(["organisation,year,indicator,value", *rows]).encode(), actor=analyst
    )
    world["published_version"] = report_services.report_publish(
        year=portrait_gallery.returns.get(year__year=PUBLISHED_YEAR).year, actor=analyst
    )
    world["published_year"] = world["published_version"].year
    world["draft_year"] = portrait_gallery.returns.get(year__year=DRAFT_YEAR).year
    open_year = return_services.year_create(actor=analyst, year=OPEN_YEAR, organisations=[portrait_gallery])
    return_services.year_open(year=open_year, actor=analyst)
    world["open_year"] = open_year
    world["open_return"] = open_year.returns.get()
    world["published_return"] = world["published_year"].returns.get()
    return world


# The decisions


@dataclass(frozen=True)
class Case:
    """One way of opening an address: the record it names, the method, what each person gets."""

    record: str | None
    expected: dict[str, str]
    method: str = "get"
    kwargs: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    wrong_now: str = ""  # why today's behaviour is not the policy: the case is a strict xfail


def expect(default: int | str, **by_role: int | str) -> dict[str, str]:
    return {role: str(by_role.get(role, default)) for role in ROLES}


def only(*allowed: str, ok: int | str = 200, others: int | str = 403, **by_role: int | str) -> dict[str, str]:
    """`allowed` get `ok`, anonymous is asked to sign in, everyone else gets `others`."""
    return expect(others, **({"anonymous": SIGN_IN} | dict.fromkeys(allowed, ok) | by_role))


def one(record: str | None, expected: dict[str, str], **options: Any) -> list[Case]:
    return [Case(record, expected, **options)]


EVERYONE = expect(200)
SIGNED_IN = expect(200, anonymous=SIGN_IN)
EDITORS = only("bob", "alice", "admin")  # an editor at any organisation
RUNS_PROGRAMMES = only("bob", "alice", "manager", "admin")  # may start programmes, opportunities, events
PROGRAMME_STAFF = only("alice", "manager", "admin")  # the lead's editors, its programme managers
GALLERY = only("alice", "admin")  # editors at the National Portrait Gallery
LAING = only("bob", "admin")  # editors at the Laing Art Gallery
COLLECTION = only("analyst", "admin")  # who runs the returns collection
# A loan between the Gallery and the Laing: seen by their people, analysts and administrators.
SEES_LOAN = only("bob", "alice", "analyst", "manager", "admin", others=404)
CHANGES_LOAN = only("bob", "alice", "admin", charlie=404)
# alice's Gallery's return in a year still open: its people, analysts and administrators.
SEES_RETURN = only("alice", "analyst", "manager", "admin", others=404)
CHANGES_RETURN = only("alice", "admin", charlie=404, bob=404)
API_WRITE = {"anonymous": "401"}

MATRIX: dict[str, list[Case]] = {
    "home": one(None, EVERYONE),
    # Accounts
    "accounts:login": one(None, expect(REDIRECT, anonymous=200)),
    "accounts:logout": one(None, expect(REDIRECT), method="post"),
    "accounts:account": one(None, SIGNED_IN),
    "accounts:password_reset": one(None, EVERYONE),
    # Two-factor pages: those with an app turn it off or renew codes; the others set it up.
    "accounts:two_factor_verify": one(None, expect(REDIRECT, anonymous=SIGN_IN)),
    "accounts:two_factor_setup": one(None, only("charlie", "bob", "alice", others=REDIRECT)),
    "accounts:two_factor_disable": one(None, only(*GIVE_A_CODE, others=REDIRECT)),
    "accounts:two_factor_recovery_codes": one(None, only(*GIVE_A_CODE, others=REDIRECT)),
    # Anyone signed in makes their own tokens (an empty form is refused, 400); another's is not found.
    "accounts:token_create": one(None, expect(400, anonymous=SIGN_IN), method="post"),
    "accounts:token_revoke": one(None, expect(404, anonymous=SIGN_IN), method="post", kwargs={"pk": 2**31 - 1}),
    "accounts:password_reset_done": one(None, EVERYONE),
    "accounts:password_reset_confirm": one(None, EVERYONE),
    "accounts:password_reset_complete": one(None, EVERYONE),
    # Boundaries and the map
    "core:nations_geojson": one(None, EVERYONE),
    "core:district_geojson": one(None, EVERYONE),
    "core:boundaries": one(None, EVERYONE),
    "atlas:map": one(None, EVERYONE),
    "atlas:data": one(None, EVERYONE),
    "atlas:areas_csv": one(None, EVERYONE),
    "atlas:areas_geojson": one(None, EVERYONE),
    # Organisations
    "organisations:directory": one(None, EVERYONE),
    "organisations:lookup": one(None, EVERYONE),
    "organisations:national_museums": one(None, EVERYONE),
    "organisations:detail": one("portrait_gallery", EVERYONE),
    "organisations:edit_offer": one("portrait_gallery", GALLERY),
    "organisations:contacts": one("portrait_gallery", GALLERY),
    "organisations:edit_contact": one("contact", GALLERY),
    # Its own people choose whether other museums may email them about it.
    "organisations:accept_messages": one("portrait_gallery", only("alice", "manager", ok=REDIRECT), method="post"),
    "organisations:delete_contact": one("contact", only("alice", "admin", ok=REDIRECT), method="post"),
    # The register of activities
    "activities:list": one(None, EVERYONE),
    "activities:create": one(None, EDITORS),
    "activities:import": one(None, EDITORS),
    # Nothing imported in this session: back to the upload page, which decides.
    "activities:import_done": one(None, expect(REDIRECT, anonymous=SIGN_IN)),
    "activities:import_rejects": one(None, expect(REDIRECT, anonymous=SIGN_IN)),
    "activities:import_template": one(None, SIGNED_IN),
    "activities:detail": [
        Case("public_activity", EVERYONE),
        Case("partners_activity", expect(404, bob=200, alice=200, analyst=200, manager=200, admin=200)),
        Case("private_activity", expect(404, alice=200, analyst=200, manager=200, admin=200)),
    ],
    "activities:edit": [
        Case("public_activity", GALLERY),
        Case("private_activity", only("alice", "admin", charlie=404, bob=404)),
    ],
    "activities:delete": one("public_activity", GALLERY),
    # The Laing's details on the Gallery's activity: the Laing's editors and the lead's.
    "activities:partner": one("partner", only("bob", "alice", "admin")),
    "activities:for_organisation": one("portrait_gallery", EVERYONE),
    # Loans
    "loans:list": one(None, SIGNED_IN),
    "loans:request": one(None, only("bob", "alice")),
    "loans:objects": one(None, only("bob", "alice")),
    "loans:object_add": one(None, only("bob", "alice")),
    "loans:object_edit": one("object", GALLERY),
    # The Gallery's people, and whoever may see a loan of the object.
    "loans:object_image": one("object", only("bob", "alice", "analyst", "manager", "admin", others=404)),
    "loans:policy": one("portrait_gallery", GALLERY),
    # A post with no action decides the renewal, which is the lender's to do.
    "loans:renewal": one("loan", only("alice", "admin", charlie=404), method="post"),
    "loans:detail": [
        Case("loan", SEES_LOAN),
        Case("draft_loan", only("bob", "analyst", "admin", others=404)),
    ],
    "loans:edit": one("loan", CHANGES_LOAN),
    # A step's page sends anyone who may see the loan back to it when the step is not theirs.
    "loans:step": one("loan", only("bob", "alice", "analyst", "manager", "admin", ok=REDIRECT, others=404)),
    "loans:condition": one("loan", CHANGES_LOAN),
    "loans:document": one("loan", CHANGES_LOAN),
    "loans:document_file": one("document", SEES_LOAN),
    "loans:agreement_pdf": one("loan", SEES_LOAN),
    "loans:letter_pdf": one("loan", SEES_LOAN),
    "loans:for_organisation": one("portrait_gallery", EVERYONE),
    # Programmes
    "programmes:list": one(None, EVERYONE),
    "programmes:create": one(None, RUNS_PROGRAMMES),
    "programmes:detail": [
        Case("public_programme", EVERYONE),
        Case("private_programme", expect(404, alice=200, analyst=200, manager=200, admin=200)),
    ],
    "programmes:edit": one("public_programme", PROGRAMME_STAFF),
    "programmes:members": one("public_programme", PROGRAMME_STAFF),
    "programmes:dashboard": one("public_programme", only("alice", "analyst", "manager", "admin")),
    "programmes:display_create": one("public_programme", PROGRAMME_STAFF),
    "programmes:pair_create": one("public_programme", PROGRAMME_STAFF),
    # alice mentors bob.
    "programmes:mentoring": one("pair", only("bob", "alice", "manager", "admin", others=404)),
    # bob took part in a placement at alice's Gallery.
    "programmes:participation": one("participation", only("bob", "alice", "analyst", "manager", "admin", others=404)),
    "programmes:participation_record": one("open_opportunity", PROGRAMME_STAFF),
    "programmes:board": one(None, EVERYONE),
    "programmes:opportunity_create": one(None, RUNS_PROGRAMMES),
    "programmes:opportunity": [
        Case("open_opportunity", EVERYONE),
        Case("draft_opportunity", expect(404, alice=200, manager=200, admin=200)),
    ],
    "programmes:opportunity_edit": one("open_opportunity", PROGRAMME_STAFF),
    # Anyone signed in may ask; bob has applied already and is sent to his application.
    "programmes:apply": one("open_opportunity", expect(200, anonymous=SIGN_IN, bob=REDIRECT)),
    "programmes:applications_for": one("open_opportunity", PROGRAMME_STAFF),
    "programmes:my_applications": one(None, SIGNED_IN),
    # bob applied to alice's Gallery: he and its reviewers see it; only the reviewers move it on.
    "programmes:application": one("application", only("bob", "alice", "manager", "admin", others=404)),
    "programmes:application_notes": one(
        "application", only("alice", "manager", "admin", ok=REDIRECT, others=404, bob=403), method="post"
    ),
    "programmes:application_move": one(
        "application", only("alice", "manager", "admin", ok=REDIRECT, others=404, bob=403), method="post"
    ),
    "programmes:events": one(None, EVERYONE),
    "programmes:event_create": one(None, RUNS_PROGRAMMES),
    "programmes:event": one("event", EVERYONE),
    "programmes:event_edit": one("event", PROGRAMME_STAFF),
    # Anyone signed in may register; the event's page says whether they could.
    "programmes:event_register": one("event", expect(REDIRECT, anonymous=SIGN_IN), method="post"),
    "programmes:event_unregister": one("event", expect(REDIRECT, anonymous=SIGN_IN), method="post"),
    "programmes:event_attendance": one("event", PROGRAMME_STAFF),
    "programmes:event_minutes": one("event", PROGRAMME_STAFF),
    "programmes:action_update": one("action", only("alice", "manager", "admin", ok=REDIRECT), method="post"),
    "programmes:resources": one(None, EVERYONE),
    "programmes:resource_create": one(None, RUNS_PROGRAMMES),
    "programmes:resource": one("resource", EVERYONE),
    "programmes:resource_file": one("resource", EVERYONE),
    "programmes:resource_edit": one("resource", PROGRAMME_STAFF),
    "programmes:resource_delete": one("resource", PROGRAMME_STAFF),
    # Needs (bob's, at the Laing) and offers (alice's, at the Gallery)
    "needs:board": one(None, EVERYONE),
    "needs:create": one(None, EDITORS),
    "needs:figures": one(None, EVERYONE),
    "needs:detail": [
        Case("public_need", EVERYONE),
        Case("private_need", expect(404, bob=200, analyst=200, admin=200)),
    ],
    "needs:edit": one("public_need", LAING),
    "needs:withdraw": one("public_need", LAING),
    "needs:reopen": one("public_need", LAING),
    "needs:converse": one("public_need", EDITORS),
    "needs:met": one("public_need", LAING),
    "needs:offers": one(None, EVERYONE),
    "needs:offer_create": one(None, EDITORS),
    "needs:offer": [
        Case("public_offer", EVERYONE),
        Case("private_offer", expect(404, alice=200, analyst=200, manager=200, admin=200)),
    ],
    "needs:offer_edit": one("public_offer", GALLERY),
    "needs:offer_withdraw": one("public_offer", GALLERY),
    "needs:offer_reopen": one("public_offer", GALLERY),
    "needs:for_organisation": one("laing", EVERYONE),
    # Returns: the Gallery's under way in an open year, and one published
    "returns:list": one(None, SIGNED_IN),
    "returns:detail": [
        # Not signed in is not found too: a published year's returns are open to all at this address.
        Case("open_return", SEES_RETURN | {"anonymous": "404"}),
        Case("published_return", EVERYONE),
    ],
    "returns:edit": one("open_return", CHANGES_RETURN),
    "returns:submit": one("open_return", CHANGES_RETURN),
    # Still a draft, so the collection's people are sent back to it.
    "returns:review": one("open_return", only("analyst", "admin", ok=REDIRECT, charlie=404, bob=404)),
    "returns:refresh": one("open_return", only("alice", "admin", ok=REDIRECT, charlie=404, bob=404), method="post"),
    "returns:spreadsheet": one("open_return", SEES_RETURN | {"anonymous": "404"}),
    "returns:upload": one("open_return", CHANGES_RETURN),
    "returns:years": one(None, COLLECTION),
    "returns:year_create": one(None, COLLECTION),
    "returns:year": one("open_year", COLLECTION),
    "returns:year_edit": one("open_year", COLLECTION),
    "returns:year_step": one("open_year", COLLECTION),
    # The report: published for everyone, a draft for the collection's people only
    "reports:list": one(None, EVERYONE),
    "reports:open_data": one(None, EVERYONE),
    "reports:detail": [
        Case("published_year", EVERYONE),
        Case("draft_year", expect(404, analyst=200, admin=200)),
    ],
    "reports:download": [
        Case("published_year", EVERYONE),
        Case("draft_year", expect(404, analyst=200, admin=200)),
    ],
    "reports:publish": one("draft_year", COLLECTION),
    "reports:version": one("published_version", EVERYONE),
    "reports:version_download": one("published_version", EVERYONE),
    # The API: reads are open and scoped to the reader; writes need an account.
    "api:schema": one(None, EVERYONE),
    "api:docs": one(None, EVERYONE),
    "api:redoc": one(None, EVERYONE),
    "api:api-root": one(None, EVERYONE),
    "api:atlas-areas": one(None, EVERYONE),
    "api:atlas-areas-as": one(None, EVERYONE),
    "api:organisation-list": one(None, EVERYONE),
    "api:organisation-detail": one("portrait_gallery", EVERYONE),
    "api:activity-list": one(None, EVERYONE),
    "api:activity-detail": [
        Case("public_activity", EVERYONE),
        Case("partners_activity", expect(404, bob=200, alice=200, analyst=200, manager=200, admin=200)),
        Case("private_activity", expect(404, alice=200, analyst=200, manager=200, admin=200)),
    ],
    "api:network-list": one(None, EVERYONE),
    "api:network-detail": one("network", EVERYONE),
    # The list is open and empty for anyone who may see no loan; each loan as on its page.
    "api:loan-list": one(None, EVERYONE),
    "api:loan-detail": [
        Case("loan", SEES_LOAN | {"anonymous": "404"}),
        Case("draft_loan", expect(404, bob=200, analyst=200, admin=200)),
    ],
    # The lender's step: alice takes it; the borrower, the analyst and the manager may not.
    "api:loan-transition": one(
        "loan", only("alice", "admin", charlie=404) | API_WRITE, method="post", data={"to": Status.ACKNOWLEDGED}
    ),
    "api:programme-list": one(None, EVERYONE),
    "api:programme-detail": [
        Case("public_programme", EVERYONE),
        Case("private_programme", expect(404, alice=200, analyst=200, manager=200, admin=200)),
    ],
    "api:opportunity-list": one(None, EVERYONE),
    "api:opportunity-detail": [
        Case("open_opportunity", EVERYONE),
        Case("draft_opportunity", expect(404, alice=200, manager=200, admin=200)),
    ],
    # Anyone signed in may apply; an empty application is refused as incomplete (400).
    "api:opportunity-apply": one("open_opportunity", expect(400) | API_WRITE, method="post"),
    "api:event-list": one(None, EVERYONE),
    "api:event-detail": one("event", EVERYONE),
    "api:resource-list": one(None, EVERYONE),
    "api:resource-detail": one("resource", EVERYONE),
    "api:need-list": one(None, EVERYONE),
    "api:need-detail": [
        Case("public_need", EVERYONE),
        Case("private_need", expect(404, bob=200, analyst=200, admin=200)),
    ],
    "api:need-withdraw": one("public_need", LAING | API_WRITE, method="post"),
    # An open need cannot be reopened (400), but only its editors are told so.
    "api:need-reopen": one("public_need", only("bob", "admin", ok=400) | API_WRITE, method="post"),
    "api:offer-list": one(None, EVERYONE),
    "api:offer-detail": [
        Case("public_offer", EVERYONE),
        Case("private_offer", expect(404, alice=200, analyst=200, manager=200, admin=200)),
    ],
    "api:offer-withdraw": one("public_offer", GALLERY | API_WRITE, method="post"),
    "api:offer-reopen": one("public_offer", only("alice", "admin", ok=400) | API_WRITE, method="post"),
    "api:indicator-list": one(None, EVERYONE),
    "api:indicator-detail": one(None, EVERYONE, kwargs={"code": "audience_uk"}),
    "api:reporting-year-list": one(None, EVERYONE),
    "api:reporting-year-detail": [Case("open_year", EVERYONE), Case("published_year", EVERYONE)],
    "api:return-list": one(None, EVERYONE),
    "api:return-detail": [
        Case("open_return", SEES_RETURN | {"anonymous": "404"}),
        Case("published_return", EVERYONE),
    ],
    "api:return-values": one("open_return", CHANGES_RETURN | API_WRITE, method="patch"),
    "api:return-submit": one("open_return", CHANGES_RETURN | API_WRITE, method="post"),
    # Only a submitted return can be approved or sent back (400), but only the collection is told so.
    "api:return-approve": one(
        "open_return", only("analyst", "admin", ok=400, charlie=404, bob=404) | API_WRITE, method="post"
    ),
    "api:return-return-for-changes": one(
        "open_return", only("analyst", "admin", ok=400, charlie=404, bob=404) | API_WRITE, method="post"
    ),
    "api:report-list": one(None, EVERYONE),
    "api:report-detail": [
        Case("published_year", EVERYONE),
        Case("draft_year", expect(404, analyst=200, admin=200)),
    ],
}

# The administration site is the administrators' alone: its front page and every list in it.
ADMIN_SITE = Case(None, only("admin", others=SIGN_IN))


# Opening the addresses


def named_addresses() -> dict[str, set[str]]:
    """Every named URL, namespaced, with the keyword arguments each of its patterns takes."""
    found: dict[str, set[str]] = {}

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = ":".join(filter(None, [namespace, pattern.name]))
                kwargs = set(pattern.pattern.regex.groupindex)
                # A router's format-suffix twin (…\.json) is the same view: keep the plain pattern.
                if name not in found or len(kwargs) < len(found[name]):
                    found[name] = kwargs

    walk(get_resolver().url_patterns, "")
    return found


FIXED = {
    "to": Status.ACKNOWLEDGED,
    "status": "shortlisted",
    "fmt": "csv",
    "code": "E08000021",
    "level": "nation",
    "step": "close",
    "uidb64": "MQ",
    "token": "set-password",
    "format": "json",
}


def address(name: str, kwargs_taken: set[str], case: Case, world: dict[str, Any]) -> str:
    record: Any = world[case.record] if case.record else None
    values: dict[str, Any] = {}
    for kwarg in kwargs_taken:
        if kwarg in case.kwargs:
            values[kwarg] = case.kwargs[kwarg]
        elif kwarg == "pk":
            # A loan's document and an activity's partner are named under the loan or the activity.
            parent = {"document_pk": "loan_id", "partner_pk": "activity_id"}
            named_under = [field for kwarg, field in parent.items() if kwarg in kwargs_taken]
            values[kwarg] = getattr(record, named_under[0]) if named_under else record.pk
        elif kwarg == "slug":
            values[kwarg] = getattr(record, "slug", None) or record.organisation.slug
        elif kwarg == "year":
            year = getattr(record, "year", record)
            values[kwarg] = (year if hasattr(year, "slug") else record).slug
        elif kwarg == "organisation":
            values[kwarg] = record.organisation.slug
        elif kwarg == "version":
            values[kwarg] = record.version
        elif kwarg in ("partner_pk", "document_pk"):
            values[kwarg] = record.pk
        else:
            values[kwarg] = FIXED[kwarg]
    return reverse(name, kwargs=values)


def outcome(response: Any) -> str:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        signing_in = location.startswith((reverse("accounts:login"), reverse("admin:login")))
        return SIGN_IN if signing_in else REDIRECT
    if response.status_code in (201, 204):
        return "200"
    return str(response.status_code)


def open_as(client: Client, name: str, url: str, method: str, data: dict[str, Any] | None = None) -> str:
    """What the person gets, in a savepoint rolled back afterwards; a crash is an outcome too."""
    headers = {"HX-Request": "true"} if name.endswith(":for_organisation") else {}
    options: dict[str, Any] = (
        {"content_type": "application/json"} if name.startswith("api:") and method != "get" else {}
    )
    cookies = copy.copy(client.cookies)  # signing out must not sign the person out of the next address
    try:
        with transaction.atomic():
            response = getattr(client, method)(url, data if method != "get" else None, headers=headers, **options)
            transaction.set_rollback(True)
    except Exception as crash:
        return f"500 ({type(crash).__name__}: {crash})"
    finally:
        client.cookies = cookies
    return outcome(response)


def client_for(role: str, people: dict[str, User], verified: bool = True) -> Client:
    """A client signed in as `role`; those who must give a two-factor code have given one, unless not `verified`."""
    client = Client()
    if role == "anonymous":
        return client
    client.force_login(people[role])
    if role in GIVE_A_CODE and django_apps.is_installed("django_otp"):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get_or_create(user=people[role], defaults={"name": "Authenticator app"})[0]
        session = client.session
        if verified:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        else:
            session.pop(DEVICE_ID_SESSION_KEY, None)
        session.save()
    return client


@pytest.fixture
def world(
    cast: dict[str, User], portrait_gallery: Organisation, laing: Organisation, settings: Any, tmp_path: Any
) -> Iterator[dict[str, Any]]:
    settings.MEDIA_ROOT = tmp_path
    built = build_world(cast, portrait_gallery, laing)
    built["people"] = cast | {"manager": programme_manager(portrait_gallery)}
    with mock.patch("weasyprint.HTML") as html:
        html.return_value.write_pdf.return_value = b"%PDF-1.4"
        yield built


# The tests


def cases() -> Iterator[tuple[str, Case]]:
    """Every decision to check: the matrix's, and the administration site's for each of its pages
    that names no record."""
    for name, kwargs_taken in named_addresses().items():
        if name.startswith("admin:"):
            if name == "admin:index" or (name.endswith("_changelist") and not kwargs_taken):
                yield name, ADMIN_SITE
        else:
            yield from ((name, case) for case in MATRIX.get(name, []))


def test_every_named_address_has_an_access_decision() -> None:
    addresses = named_addresses()
    undecided = sorted(name for name in addresses if not name.startswith("admin:") and name not in MATRIX)
    stale = sorted(name for name in MATRIX if name not in addresses)

    assert not undecided, "\n".join(f"no access decision for {name}: add it to the matrix" for name in undecided)
    assert not stale, f"the matrix decides for addresses that no longer exist: {', '.join(stale)}"


def mismatches(world: dict[str, Any], checked: list[tuple[str, Case]]) -> list[str]:
    addresses = named_addresses()
    found = []
    for role in ROLES:
        client = client_for(role, world["people"])
        for name, case in checked:
            url = address(name, addresses[name], case, world)
            got = open_as(client, name, url, case.method, case.data)
            if got != case.expected[role]:
                found.append(f"{role} {case.method.upper()} {name} ({url}): expected {case.expected[role]}, got {got}")
    return found


def test_every_person_gets_what_the_matrix_decides(world: dict[str, Any]) -> None:
    checked = [(name, case) for name, case in cases() if not case.wrong_now]

    found = mismatches(world, checked)

    assert not found, f"{len(found)} of {len(checked) * len(ROLES)} answers differ from the matrix:\n" + "\n".join(
        found
    )


@pytest.mark.parametrize(
    ("name", "case"),
    [
        pytest.param(
            name, case, id=f"{name}:{case.record}", marks=pytest.mark.xfail(strict=True, reason=case.wrong_now)
        )
        for name, cases_of_name in MATRIX.items()
        for case in cases_of_name
        if case.wrong_now
    ],
)
def test_what_should_change_gets_what_the_matrix_decides(world: dict[str, Any], name: str, case: Case) -> None:
    assert not mismatches(world, [(name, case)])


@pytest.mark.skipif(not django_apps.is_installed("django_otp"), reason="two-factor authentication is not installed")
def test_an_analyst_who_has_not_given_a_code_is_sent_to_give_one(cast: dict[str, User]) -> None:
    client = client_for("analyst", cast, verified=False)

    response = client.get(reverse("returns:years"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert client_for("analyst", cast).get(reverse("returns:years")).status_code == 200
