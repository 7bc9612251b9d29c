"""Writes to needs, offers and conversations: who may make them, what they record, what they send."""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from museumshare.accounts.models import User
from museumshare.activities.models import Activity
from museumshare.activities.services import activity_create
from museumshare.conftest import write_sample
from museumshare.core import audit
from museumshare.core.services import Refused
from museumshare.loans.models import Loan
from museumshare.needs import services
from museumshare.needs.demo import GAINSBOROUGHS_HOUSE, GLYNN_VIVIAN, ULSTER_MUSEUM, load_demo_needs
from museumshare.needs.models import UNMET, Need, NeedStatus, Offer, OfferStatus
from museumshare.needs.tests.conftest import HEAD_OF_PARTNERSHIPS, PORTRAITS_NEED, post_need
from museumshare.organisations.importer import import_organisations
from museumshare.organisations.models import Contact, Membership, Organisation
from museumshare.programmes.models import SkillsArea

pytestmark = pytest.mark.django_db


def test_posting_a_need_records_who_did_it_and_opens_its_history(need: Need, bob: User) -> None:
    assert need.status == NeedStatus.OPEN
    assert need.created_by == bob
    assert audit.history(need).get().action == "need.create"
    assert [e.status for e in need.events.all()] == [NeedStatus.OPEN]


def test_only_editors_at_the_organisation_may_post_or_change_its_needs(
    laing: Organisation, alice: User, charlie: User, need: Need
) -> None:
    with pytest.raises(PermissionDenied):
        post_need(alice, laing)
    with pytest.raises(PermissionDenied):
        services.need_update(need=need, actor=charlie, data={"title": "Not mine"})
    with pytest.raises(PermissionDenied):
        services.need_withdraw(need=need, actor=alice)


def test_a_conversation_emails_the_partnership_contact_once_committed_and_moves_the_need_on(
    need: Need,
    bob: User,
    laing: Organisation,
    portrait_gallery: Organisation,
    head_of_partnerships: Contact,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        conversation = services.conversation_start(
            need=need,
            actor=bob,
            from_organisation=laing,
            to_organisation=portrait_gallery,
            message="Could we borrow three portraits?",
            link="https://museumshare.example/needs/1/",
        )
        assert mail.outbox == []
    for callback in callbacks:
        callback()

    need.refresh_from_db()
    assert need.status == NeedStatus.IN_CONVERSATION
    assert conversation.recipients() == [HEAD_OF_PARTNERSHIPS]
    assert conversation.sender == bob
    [email] = mail.outbox
    assert email.to == [HEAD_OF_PARTNERSHIPS]
    assert email.reply_to == [bob.email]
    assert "Could we borrow three portraits?" in email.body
    assert "https://museumshare.example/needs/1/" in email.body
    assert PORTRAITS_NEED in email.subject
    assert [e.status for e in need.events.all()] == [NeedStatus.OPEN, NeedStatus.IN_CONVERSATION]


def test_without_a_public_head_of_partnerships_the_people_who_chose_to_hear_do(
    need: Need, bob: User, alice: User, laing: Organisation, portrait_gallery: Organisation
) -> None:
    Contact.objects.create(
        organisation=portrait_gallery, name="Private Person", role="Head of Partnerships", email="private@npg.example",
        is_partnership_lead=True, listed_publicly=False,
    )  # fmt: skip
    Membership.objects.filter(user=alice, organisation=portrait_gallery).update(accepts_messages=True)

    conversation = services.conversation_start(
        need=need, actor=bob, from_organisation=laing, to_organisation=portrait_gallery, message="Hello"
    )

    assert conversation.recipients() == [alice.email]


def test_an_organisation_nobody_there_agreed_to_hear_from_cannot_be_written_to(
    need: Need, bob: User, laing: Organisation, portrait_gallery: Organisation
) -> None:
    Contact.objects.create(
        organisation=portrait_gallery, name="Private Person", role="Head of Partnerships", email="private@npg.example",
        is_partnership_lead=True, listed_publicly=False,
    )  # fmt: skip

    with pytest.raises(Refused, match="cannot be written to"):
        services.conversation_start(
            need=need, actor=bob, from_organisation=laing, to_organisation=portrait_gallery, message="Hello"
        )

    assert mail.outbox == []
    assert not need.conversations.exists()


@override_settings(NEEDS_MESSAGES_PER_DAY=2)
def test_a_person_may_send_only_so_many_messages_a_day_and_each_is_audited(
    need: Need, bob: User, laing: Organisation, portrait_gallery: Organisation, head_of_partnerships: Contact
) -> None:
    def write() -> None:
        services.conversation_start(
            need=need, actor=bob, from_organisation=laing, to_organisation=portrait_gallery, message="Hello"
        )

    write()
    write()
    with pytest.raises(Refused, match="2 messages in the last 24 hours"):
        write()

    assert need.conversations.count() == 2
    assert [e.action for e in audit.history(need)].count("need.conversation") == 2
    assert services.messages_left_today(bob) == 0


def test_a_message_with_control_characters_is_refused(
    need: Need, bob: User, laing: Organisation, portrait_gallery: Organisation, head_of_partnerships: Contact
) -> None:
    with pytest.raises(ValidationError, match="control characters"):
        services.conversation_start(
            need=need, actor=bob, from_organisation=laing, to_organisation=portrait_gallery, message="Hi\x1b[2J"
        )

    assert mail.outbox == []


def test_a_conversation_is_with_the_organisation_that_posted_the_need(
    need: Need, alice: User, portrait_gallery: Organisation, register: dict[str, Organisation]
) -> None:
    elsewhere = next(o for o in register.values() if o.pk not in (need.organisation_id, portrait_gallery.pk))
    with pytest.raises(Refused):
        services.conversation_start(
            need=need, actor=alice, from_organisation=portrait_gallery, to_organisation=elsewhere, message="Hi"
        )


def test_linking_the_loan_marks_the_need_met(need: Need, bob: User, portrait_loan: Loan) -> None:
    services.need_mark_met(need=need, actor=bob, loan=portrait_loan)

    need.refresh_from_db()
    assert need.status == NeedStatus.MET
    assert need.met_loan == portrait_loan
    assert need.met_at is not None
    assert need.events.last().note == f"Met by {portrait_loan}."  # type: ignore[union-attr]
    with pytest.raises(Refused):
        services.need_withdraw(need=need, actor=bob)


def test_only_work_the_member_can_see_may_be_linked(
    need: Need, bob: User, alice: User, portrait_gallery: Organisation
) -> None:
    private = activity_create(
        actor=alice,
        data={
            "title": "Private to the Gallery",
            "kind": "advice",
            "lead": portrait_gallery,
            "start_date": date(2021, 1, 1),
            "visibility": "private",
        },
    )

    with pytest.raises(Refused) as refusal:
        services.need_mark_met(need=need, actor=bob, activity=Activity.objects.get(pk=private.pk))
    assert "activity" in refusal.value.message_dict


def test_an_offer_is_made_changed_and_withdrawn_by_its_editors(
    alice: User, bob: User, portrait_gallery: Organisation
) -> None:
    offer = services.offer_create(
        actor=alice,
        data={
            "organisation": portrait_gallery,
            "kind": "placement",
            "subjects": [],
            "skills_area": SkillsArea.CURATORIAL,
            "title": "Curatorial placements",
            "description": "Four weeks with the Collections team.",
            "capacity": 4,
            "regions": [],
            "visibility": "public",
        },
    )
    with pytest.raises(PermissionDenied):
        services.offer_update(offer=offer, actor=bob, data={"capacity": 8})
    assert services.offer_update(offer=offer, actor=alice, data={"capacity": 8}) == {"capacity": [4, 8]}
    services.offer_withdraw(offer=offer, actor=alice)
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.WITHDRAWN
    assert [e.action for e in audit.history(offer)] == ["offer.withdraw", "offer.update", "offer.create"]

    with pytest.raises(PermissionDenied):
        services.offer_reopen(offer=offer, actor=bob)
    services.offer_reopen(offer=offer, actor=alice)
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.OPEN
    assert audit.history(offer).first().action == "offer.reopen"  # type: ignore[union-attr]
    with pytest.raises(Refused, match="open already"):
        services.offer_reopen(offer=offer, actor=alice)


def test_a_met_need_reopened_is_back_on_the_board_and_no_longer_names_the_work_that_met_it(
    need: Need, bob: User, alice: User, portrait_loan: Loan
) -> None:
    services.need_mark_met(need=need, actor=bob, loan=portrait_loan)
    with pytest.raises(PermissionDenied):
        services.need_reopen(need=need, actor=alice)

    services.need_reopen(need=need, actor=bob, note="The loan fell through.")

    need.refresh_from_db()
    assert (need.status, need.met_loan, need.met_activity, need.met_at) == (NeedStatus.OPEN, None, None, None)
    assert Need.objects.visible_to(alice).filter(status__in=UNMET, pk=need.pk).exists()
    assert [(e.status, e.note) for e in need.events.all()][-2:] == [
        (NeedStatus.MET, f"Met by {portrait_loan}."),
        (NeedStatus.OPEN, "The loan fell through."),
    ]
    assert audit.history(need).first().action == "need.open"  # type: ignore[union-attr]
    with pytest.raises(Refused, match="nothing to reopen"):
        services.need_reopen(need=need, actor=bob)


def test_a_withdrawn_need_someone_wrote_about_is_reopened_in_conversation(
    need: Need, bob: User, alice: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    services.conversation_start(
        need=need, actor=alice, from_organisation=portrait_gallery, to_organisation=laing, message="We could help."
    )
    services.need_withdraw(need=need, actor=bob)

    reopened = services.need_reopen(need=need, actor=bob)

    assert reopened.status == Need.objects.get(pk=need.pk).status == NeedStatus.IN_CONVERSATION
    assert need.events.last().note == "Reopened."  # type: ignore[union-attr]


def test_the_demo_posts_needs_and_offers_between_real_museums_once(
    register: dict[str, Organisation], tmp_path: Path
) -> None:
    import_organisations(path=write_sample(tmp_path / "demo.csv", {GLYNN_VIVIAN, ULSTER_MUSEUM, GAINSBOROUGHS_HOUSE}))

    assert load_demo_needs() == 3
    assert load_demo_needs() == 0
    assert all(n.title.endswith("(demo)") and n.is_demo for n in Need.objects.all())
    assert all(o.title.endswith("(demo)") and o.is_demo for o in Offer.objects.all())
