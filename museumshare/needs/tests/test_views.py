"""The needs and offers pages: the boards, one need with its suggestions, the forms and who may use
them, the downloads and the figures, and the unmet needs beside the map's cold spots."""

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from museumshare.accounts.models import User
from museumshare.loans.models import Loan
from museumshare.needs import aggregate, figures, services
from museumshare.needs.models import Need, NeedStatus, Offer, OfferStatus
from museumshare.needs.models import Visibility as NeedVisibility
from museumshare.needs.tests.conftest import FINE_ART, PORTRAITS_NEED, post_need
from museumshare.organisations.models import Organisation

pytestmark = pytest.mark.django_db
SECRET = "A private need for storage"


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def private_need(bob: User, laing: Organisation) -> Need:
    return post_need(bob, laing, title=SECRET, kind="shared_services", subjects=[], visibility=NeedVisibility.PRIVATE)


def test_the_board_lists_public_needs_to_anyone_and_private_ones_only_to_their_people(
    need: Need, private_need: Need, cast: dict[str, User]
) -> None:
    for person, sees_private in [("alice", False), ("charlie", False), ("bob", True), ("analyst", True)]:
        page = client_for(cast[person]).get("/needs/").content.decode()
        assert PORTRAITS_NEED in page
        assert (SECRET in page) is sees_private, person
    assert SECRET not in client_for(None).get("/needs/").content.decode()
    assert client_for(cast["alice"]).get(private_need.get_absolute_url()).status_code == 404
    assert client_for(cast["bob"]).get(private_need.get_absolute_url()).status_code == 200


def test_the_board_filters_by_kind_subject_region_and_words(need: Need, private_need: Need, bob: User) -> None:
    client = client_for(bob)

    def titles(query: str) -> set[str]:
        page = client.get(f"/needs/?{query}").content.decode()
        return {title for title in (PORTRAITS_NEED, SECRET) if title in page}

    assert titles("kind=loans") == {PORTRAITS_NEED}
    assert titles(f"subject={FINE_ART}") == {PORTRAITS_NEED}
    assert titles("region=E12000001") == {PORTRAITS_NEED, SECRET}
    assert titles("region=E12000007") == set()
    assert titles("q=storage") == {SECRET}


def test_the_need_page_shows_suggestions_with_reasons(need: Need, offer: Offer, alice: User) -> None:
    page = client_for(alice).get(need.get_absolute_url()).content.decode()

    assert "Who could meet it" in page
    assert "National Portrait Gallery" in page
    assert "Offers loans on Arts: Fine and decorative arts" in page


def test_the_offer_page_shows_the_needs_it_could_meet(need: Need, offer: Offer, alice: User) -> None:
    page = client_for(alice).get(offer.get_absolute_url()).content.decode()

    assert PORTRAITS_NEED in page
    assert "Needs loans on Arts: Fine and decorative arts" in page


def test_posting_a_need_with_bad_input_names_each_field(bob: User, laing: Organisation) -> None:
    answer = client_for(bob).post(
        "/needs/new/",
        {"organisation": laing.pk, "kind": "", "title": "", "description": "", "starts": "2027-09-01",
         "ends": "2027-03-01", "subjects": ["Not a subject"], "visibility": "public"},
    )  # fmt: skip

    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert errors["kind"] == ["Choose what kind of help it is."]
    assert errors["title"][0].startswith("Enter a title")
    assert errors["description"] == ["Describe it, so others can see whether they can help."]
    assert errors["ends"] == ["Enter a date on or after the date it is needed from, 1 September 2027."]
    assert errors["subjects"] == ["Choose subjects from the list."]
    page = answer.content.decode()
    assert 'href="#id_title"' in page
    assert "<title>Error:" in page
    assert not Need.objects.exists()


def test_posting_a_need_sends_you_to_it(bob: User, laing: Organisation) -> None:
    answer = client_for(bob).post(
        "/needs/new/",
        {"organisation": laing.pk, "kind": "loans", "title": PORTRAITS_NEED, "description": "Georgian sitters.",
         "subjects": [FINE_ART], "starts": "2027-03-01", "ends": "2027-09-30", "visibility": "public"},
    )  # fmt: skip

    need = Need.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == need.get_absolute_url()
    assert need.subjects == [FINE_ART]
    assert need.organisation == laing


def test_a_member_may_post_only_for_organisations_they_edit_for(bob: User, portrait_gallery: Organisation) -> None:
    answer = client_for(bob).post(
        "/needs/new/",
        {"organisation": portrait_gallery.pk, "kind": "advice", "title": "Not ours", "description": "No.",
         "visibility": "public"},
    )  # fmt: skip

    assert "organisation" in answer.context["form"].errors
    assert not Need.objects.exists()


@pytest.mark.parametrize("path", ["edit/", "withdraw/", "met/", "reopen/"])
def test_people_outside_the_organisation_cannot_change_its_need(
    need: Need, alice: User, charlie: User, path: str
) -> None:
    for person in (alice, charlie):
        assert client_for(person).get(f"{need.get_absolute_url()}{path}").status_code == 403
        assert client_for(person).post(f"{need.get_absolute_url()}{path}", {"title": "Changed"}).status_code == 403
    assert client_for(None).get(f"{need.get_absolute_url()}{path}").status_code == 302
    assert Need.objects.get(pk=need.pk).title == PORTRAITS_NEED


def test_non_members_cannot_change_an_offer(offer: Offer, bob: User) -> None:
    assert client_for(bob).post(f"{offer.get_absolute_url()}edit/", {"title": "Mine now"}).status_code == 403
    assert client_for(bob).post(f"{offer.get_absolute_url()}withdraw/").status_code == 403
    assert client_for(bob).post(f"{offer.get_absolute_url()}reopen/").status_code == 403


def test_someone_without_an_organisation_cannot_start_a_conversation(need: Need, charlie: User) -> None:
    assert client_for(charlie).get(f"{need.get_absolute_url()}conversation/").status_code == 403


def test_marking_met_offers_only_loans_the_member_can_see(need: Need, bob: User, portrait_loan: Loan) -> None:
    form = client_for(bob).get(f"{need.get_absolute_url()}met/").context["form"]
    assert list(form.fields["loan"].queryset) == [portrait_loan]

    answer = client_for(bob).post(f"{need.get_absolute_url()}met/", {"loan": portrait_loan.pk})

    assert answer.status_code == 302
    assert Need.objects.get(pk=need.pk).status == NeedStatus.MET


def _csv(answer: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))


def test_the_downloads_hold_only_what_the_reader_may_see(need: Need, private_need: Need, cast: dict[str, User]) -> None:
    for person, expected in [("alice", {PORTRAITS_NEED}), ("bob", {PORTRAITS_NEED, SECRET})]:
        client = client_for(cast[person])
        as_csv = client.get("/needs/?download=csv")
        assert as_csv["Content-Disposition"].startswith('attachment; filename="museumshare-needs-')
        assert {row["title"] for row in _csv(as_csv)} == expected
        as_xlsx = client.get("/needs/?download=xlsx")
        sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
        assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == expected  # type: ignore[union-attr]
    assert {row["title"] for row in _csv(client_for(None).get("/needs/?show=all&download=csv"))} == {PORTRAITS_NEED}


def test_the_offers_download_respects_visibility(
    offer: Offer, alice: User, bob: User, portrait_gallery: Organisation
) -> None:
    from museumshare.needs.tests.conftest import make_offer

    make_offer(alice, portrait_gallery, title="Private storage", visibility=NeedVisibility.PRIVATE)

    assert {r["title"] for r in _csv(client_for(bob).get("/needs/offers/?download=csv"))} == {offer.title}
    assert len(_csv(client_for(alice).get("/needs/offers/?download=csv"))) == 2


def test_the_figures_count_needs_met_and_unmet_as_the_reader_may_see_them(
    need: Need, private_need: Need, bob: User, analyst: User, alice: User, portrait_loan: Loan
) -> None:
    from museumshare.needs import services

    services.need_mark_met(need=need, actor=bob, loan=portrait_loan)

    by_kind = {row.label: (row.unmet, row.met) for row in figures.by(analyst, "kind")}
    assert by_kind == {"Loans of objects": (0, 1), "Shared services, such as storage": (1, 0)}
    assert {row.label for row in figures.by(alice, "kind")} == {"Loans of objects"}
    assert [(r.label, r.unmet, r.met) for r in figures.by(analyst, "region")] == [("North East", 1, 1)]
    assert {(r.label, r.unmet, r.met) for r in figures.by(analyst, "subject")} == {
        ("No subject given", 1, 0),
        ("Arts: Fine and decorative arts", 0, 1),
    }
    page = client_for(analyst).get("/needs/figures/?by=nation")
    assert page.status_code == 200
    assert 'role="img"' in page.content.decode()
    rows = _csv(client_for(analyst).get("/needs/figures/?by=kind&download=csv"))
    assert {(r["kind"], r["met"]) for r in rows} == {
        ("Loans of objects", "1"),
        ("Shared services, such as storage", "0"),
    }


def test_unmet_needs_on_the_map_count_only_what_the_reader_may_see(
    need: Need, private_need: Need, alice: User, bob: User
) -> None:
    assert aggregate.open_needs(user=bob, level="region") == [aggregate.Area("E12000001", "North East", 2)]
    assert aggregate.open_needs(user=alice, level="region") == [aggregate.Area("E12000001", "North East", 1)]
    assert aggregate.open_needs(user=alice, level="nation") == [aggregate.Area("E92000001", "England", 1)]
    assert [a.code for a in aggregate.open_needs(user=bob, level="district")] == ["E08000021"]
    page = client_for(alice).get("/map/?level=region").content.decode()
    assert "Unmet needs" in page
    assert 'North East: <a href="/needs/?region=E12000001">1 open need<' in page


def test_the_maps_needs_layer_draws_only_the_needs_the_reader_may_see(
    need: Need, private_need: Need, cast: dict[str, User], alice: User, portrait_gallery: Organisation
) -> None:
    post_need(alice, portrait_gallery, title="A private London need", visibility=NeedVisibility.PRIVATE)

    def layer(person: str | None, level: str = "region") -> list[tuple[str, int, str]]:
        client = client_for(cast[person] if person else None)
        data = client.get(f"/map/data.json?level={level}&needs=on").json()
        return [(area["name"], area["value"], area["board"]) for area in data["open_needs"]]

    north_east = "/needs/?region=E12000001"
    assert layer(None) == [("North East", 1, north_east)]
    assert layer("charlie") == [("North East", 1, north_east)]
    assert layer("bob") == [("North East", 2, north_east)]
    assert layer("alice") == [("London", 1, "/needs/?region=E12000007"), ("North East", 1, north_east)]
    assert layer("analyst") == [("North East", 2, north_east), ("London", 1, "/needs/?region=E12000007")]
    assert layer(None, "nation") == [("England", 1, "/needs/?nation=England")]
    assert layer(None, "district") == [("Newcastle upon Tyne", 1, "/needs/?local_authority=E08000021")]
    [(_, _, county)] = layer(None, "upper_tier")
    assert county == "/needs/?county=E08000021"
    page = client_for(None).get("/map/?needs=on").content.decode()
    assert "A private" not in page
    assert 'id="id_needs" checked' in page


def test_the_board_shows_the_needs_of_the_area_the_map_links_to(need: Need, bob: User) -> None:
    client = client_for(bob)

    for query in ("local_authority=E08000021", "county=E08000021", "nation=England", "region=E12000001"):
        assert PORTRAITS_NEED in client.get(f"/needs/?{query}").content.decode(), query
    page = client.get("/needs/?local_authority=E09000033").content.decode()
    assert PORTRAITS_NEED not in page
    assert "Local authority: Westminster" in page


def test_the_organisation_page_lists_its_open_needs(
    need: Need, private_need: Need, laing: Organisation, alice: User
) -> None:
    answer = client_for(alice).get(f"/organisations/{laing.slug}/needs/", headers={"HX-Request": "true"})

    assert PORTRAITS_NEED in answer.content.decode()
    assert SECRET not in answer.content.decode()


def test_the_offer_board_lists_public_offers_to_anyone_and_private_ones_only_to_their_people(
    offer: Offer, alice: User, bob: User, portrait_gallery: Organisation
) -> None:
    from museumshare.needs.tests.conftest import make_offer

    make_offer(alice, portrait_gallery, title="Private storage", visibility=NeedVisibility.PRIVATE)

    for user, expected in [(None, "1 offer"), (bob, "1 offer"), (alice, "2 offers")]:
        page = client_for(user).get("/needs/offers/").content.decode()
        assert offer.title in page
        assert ("Private storage" in page) is (user == alice)
        assert expected in page
    empty = client_for(bob).get("/needs/offers/?kind=advice").content.decode()
    assert "No offers match these filters." in empty
    assert 'href="/needs/offers/">clear all filters' in empty


def test_each_form_page_shows_its_heading_and_a_way_back(need: Need, offer: Offer, alice: User, bob: User) -> None:
    pages = [
        (bob, "/needs/new/", "<h1>Post a need</h1>", "/needs/"),
        (bob, f"{need.get_absolute_url()}edit/", "Change the need", need.get_absolute_url()),
        (bob, f"{need.get_absolute_url()}withdraw/", "Withdraw the need", need.get_absolute_url()),
        (bob, f"{need.get_absolute_url()}met/", "Mark the need as met", need.get_absolute_url()),
        (alice, f"{need.get_absolute_url()}conversation/", "Start a conversation", need.get_absolute_url()),
        (alice, "/needs/offers/new/", "<h1>Make an offer</h1>", "/needs/offers/"),
        (alice, f"{offer.get_absolute_url()}edit/", "Change the offer", offer.get_absolute_url()),
        (alice, f"{offer.get_absolute_url()}withdraw/", "Withdraw the offer", offer.get_absolute_url()),
        (bob, f"{need.get_absolute_url()}reopen/", "Reopen the need", need.get_absolute_url()),
        (alice, f"{offer.get_absolute_url()}reopen/", "Reopen the offer", offer.get_absolute_url()),
    ]
    for user, path, heading, back in pages:
        page = client_for(user).get(path).content.decode()
        assert heading in page, path
        assert f'<a href="{back}">Cancel</a>' in page, path
    assert 'name="note"' not in client_for(alice).get(f"{offer.get_absolute_url()}withdraw/").content.decode()


def test_a_withdrawn_need_is_reopened_from_its_page_and_an_open_one_cannot_be(need: Need, bob: User) -> None:
    services.need_withdraw(need=need, actor=bob)
    client = client_for(bob)
    page = client.get(need.get_absolute_url()).content.decode()
    assert "the need is withdrawn" in page
    assert f'href="{need.get_absolute_url()}reopen/">Reopen it</a>' in page

    answer = client.post(f"{need.get_absolute_url()}reopen/", {"note": "We need it after all."}, follow=True)

    assert answer.redirect_chain[-1][0] == need.get_absolute_url()
    assert f"‘{PORTRAITS_NEED}’ is open again: it is back on the board." in answer.content.decode()
    assert Need.objects.get(pk=need.pk).status == NeedStatus.OPEN
    refused = client.post(f"{need.get_absolute_url()}reopen/", {"note": ""})
    assert refused.status_code == 200
    assert "This need is open, so there is nothing to reopen." in refused.content.decode()


def test_a_withdrawn_offer_is_reopened_from_its_page(offer: Offer, alice: User) -> None:
    services.offer_withdraw(offer=offer, actor=alice)
    client = client_for(alice)
    assert (
        f'href="{offer.get_absolute_url()}reopen/">Reopen it</a>'
        in client.get(offer.get_absolute_url()).content.decode()
    )

    answer = client.post(f"{offer.get_absolute_url()}reopen/", follow=True)

    assert f"‘{offer.title}’ is open again" in answer.content.decode()
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.OPEN


@pytest.mark.parametrize(
    ("path", "current"),
    [("/needs/", "Needs and offers"), ("/opportunities/", "Opportunities"), ("/programmes/", "Programmes")],
)
def test_the_menu_marks_only_the_page_you_are_on(path: str, current: str, need: Need) -> None:
    page = client_for(None).get(path).content.decode()
    menu = page.split('<nav aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    marked = [line for line in menu.splitlines() if 'aria-current="page"' in line]
    assert len(marked) == 1, marked
    assert f">{current}</a>" in marked[0]


def test_the_conversation_page_says_before_anyone_writes_that_an_organisation_cannot_be_written_to(
    need: Need, bob: User, portrait_gallery: Organisation
) -> None:
    # The Gallery has no public Head of Partnerships and nobody there has chosen to receive messages.
    page = client_for(bob).get(f"{need.get_absolute_url()}conversation/?to={portrait_gallery.pk}").content.decode()

    assert f"{portrait_gallery.name} cannot be written to here" in page
    assert 'name="message"' not in page
