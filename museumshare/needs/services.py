"""Writes to needs, offers and conversations. Each checks who may do it, records it in the audit
log, and, for a need, adds a step to its history; a conversation's email goes once it is committed.
"""

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from museumshare.activities.models import Activity
from museumshare.core import audit
from museumshare.core.services import Actor, Refused, System, person, require
from museumshare.loans.models import Loan
from museumshare.needs.models import (
    UNMET,
    Conversation,
    Need,
    NeedEvent,
    NeedStatus,
    Offer,
    OfferStatus,
)
from museumshare.organisations.models import Organisation

if TYPE_CHECKING:
    from django.db.models import QuerySet


def _require(actor: Actor, permission: str, obj: Any, organisation: Organisation | None) -> None:
    """`permission` over `obj`, refused in the words the pages use: only `organisation`'s editors may."""
    where = organisation or "an organisation"
    require(actor, permission, obj, message=f"Only editors at {where} can do this.")


# What posting is, in the refusal to someone who may not post for any organisation.
POSTING = {"needs.add_need": "post its needs", "needs.add_offer": "make its offers"}


def _require_poster(actor: Actor, permission: str, organisation: Organisation | None) -> None:
    """A need or offer is posted by someone who may post at all, and for an organisation they edit
    for (administrators, any)."""
    require(actor, permission, message=f"Only editors at a museum can {POSTING[permission]}.")
    if organisation is not None:
        message = f"You can post only for organisations you edit for, not {organisation}."
        require(actor, permission, organisation, message=message)


def _event(need: Need, actor: Actor, status: str, note: str = "") -> NeedEvent:
    return NeedEvent.objects.create(need=need, status=status, actor=person(actor), note=note)


# Needs


@transaction.atomic
def need_create(*, actor: Actor, data: dict[str, Any], is_demo: bool = False) -> Need:
    _require_poster(actor, "needs.add_need", data.get("organisation"))
    need = Need(**data, is_demo=is_demo, created_by=person(actor))
    need.full_clean()
    need.save()
    audit.record(actor=actor, action="need.create", obj=need, changes=audit.diff({}, audit.snapshot(need, data)))
    _event(need, actor, NeedStatus.OPEN, "Posted.")
    return need


@transaction.atomic
def need_update(*, need: Need, actor: Actor, data: dict[str, Any]) -> dict[str, list[Any]]:
    _require(actor, "needs.change_need", need, need.organisation)
    if "organisation" in data and data["organisation"].pk != need.organisation_id:
        _require_poster(actor, "needs.add_need", data["organisation"])
    need = Need.objects.select_for_update().get(pk=need.pk)
    return audit.save_changes(need, actor=actor, action="need.update", data=data)


def _move(need: Need, actor: Actor, to: str, note: str, **extra: Any) -> Need:
    before = audit.snapshot(need, ["status", *extra])
    need.status = to
    for name, value in extra.items():
        setattr(need, name, value)
    need.save(update_fields=["status", *extra, "updated_at"])
    audit.record(actor=actor, action=f"need.{to}", obj=need, changes=audit.diff(before, audit.snapshot(need, before)))
    _event(need, actor, to, note)
    return need


@transaction.atomic
def need_withdraw(*, need: Need, actor: Actor, note: str = "") -> Need:
    _require(actor, "needs.change_need", need, need.organisation)
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status not in UNMET:
        raise Refused(f"This need is {need.get_status_display().lower()}, so it cannot be withdrawn.")
    return _move(need, actor, NeedStatus.WITHDRAWN, note or "Withdrawn.")


@transaction.atomic
def need_mark_met(
    *, need: Need, actor: Actor, activity: Activity | None = None, loan: Loan | None = None, note: str = ""
) -> Need:
    """The need met, by the activity or loan it led to where there is one; only work `actor` can see
    may be linked, so nobody learns of a private activity or another museum's loan this way."""
    _require(actor, "needs.change_need", need, need.organisation)
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status not in UNMET:
        raise Refused(f"This need is {need.get_status_display().lower()} already.")
    if not isinstance(actor, System):
        if activity is not None and not Activity.objects.visible_to(actor).filter(pk=activity.pk).exists():
            raise Refused({"activity": "Choose an activity you can see in the register."})
        if loan is not None and not Loan.objects.visible_to(actor).filter(pk=loan.pk).exists():
            raise Refused({"loan": "Choose a loan your organisation is part of."})
    if activity is None and loan is not None:
        activity = loan.activity
    if not note:
        linked = [str(x) for x in (loan, activity) if x is not None]
        note = f"Met by {' and '.join(linked)}." if linked else "Met."
    return _move(need, actor, NeedStatus.MET, note, met_activity=activity, met_loan=loan, met_at=timezone.now())


@transaction.atomic
def need_reopen(*, need: Need, actor: Actor, note: str = "") -> Need:
    """A met or withdrawn need back on the board: in conversation again if anyone has written about
    it, open otherwise. A met need no longer names the loan or activity that met it; its history
    keeps both steps."""
    _require(actor, "needs.change_need", need, need.organisation)
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status in UNMET:
        raise Refused(f"This need is {need.get_status_display().lower()}, so there is nothing to reopen.")
    to = NeedStatus.IN_CONVERSATION if need.conversations.exists() else NeedStatus.OPEN
    return _move(need, actor, to, note or "Reopened.", met_activity=None, met_loan=None, met_at=None)


# Conversations


def recipients(organisation: Organisation, *, posted_it: bool = False) -> list[str]:
    """Who may be written to: the Head of Partnerships, when they have agreed to be listed publicly
    and have an email address; when there is none, the people there who have chosen to receive
    messages. An organisation that posted the need (`posted_it`) asked to hear, so its editors hear
    when nobody else would. Empty: the organisation cannot be written to here."""
    leads = organisation.contacts.filter(is_partnership_lead=True, listed_publicly=True).exclude(email="")
    emails = sorted({contact.email for contact in leads})
    if emails:
        return emails
    people = organisation.memberships.filter(user__is_active=True).exclude(user__email="")
    chosen = people.filter(accepts_messages=True)
    if not chosen.exists() and posted_it:
        chosen = people.editing()
    return sorted(set(chosen.values_list("user__email", flat=True)))


def unreachable(need: Need, organisations: "QuerySet[Organisation]") -> list[Organisation]:
    """Those of `organisations` that cannot be written to about `need`, for the page to say so
    before anyone writes."""
    return [
        organisation
        for organisation in organisations
        if not recipients(organisation, posted_it=organisation.pk == need.organisation_id)
    ]


def messages_left_today(user: Actor) -> int:
    """How many more messages `user` may send in the next 24 hours (NEEDS_MESSAGES_PER_DAY)."""
    sender = person(user)
    if sender is None:
        return settings.NEEDS_MESSAGES_PER_DAY
    sent = Conversation.objects.filter(sender=sender, at__gte=timezone.now() - timedelta(days=1)).count()
    return max(settings.NEEDS_MESSAGES_PER_DAY - sent, 0)


def cannot_be_written_to(organisation: Organisation) -> str:
    return (
        f"{organisation} cannot be written to here: it has no public Head of Partnerships and nobody there "
        "has chosen to receive messages. Contact them through their website."
    )


@transaction.atomic
def conversation_start(
    *,
    need: Need,
    actor: Actor,
    from_organisation: Organisation,
    to_organisation: Organisation,
    message: str,
    link: str = "",
) -> Conversation:
    """Send `message` about `need` from one organisation to the other, record it on the need, and
    move an open need to "in conversation". One side must be the organisation that posted the need.
    `link` is the need's full web address, for the email (its path when not given)."""
    require(
        actor, "needs.converse_need", need, message="Only editors at a museum can start a conversation about a need."
    )
    _require(actor, "needs.write_for", from_organisation, from_organisation)
    need = Need.objects.select_for_update().get(pk=need.pk)
    if messages_left_today(actor) == 0:
        raise Refused(
            f"You have sent {settings.NEEDS_MESSAGES_PER_DAY} messages in the last 24 hours, the most anyone may: "
            "write again tomorrow."
        )
    if need.organisation_id not in (from_organisation.pk, to_organisation.pk):
        raise Refused({"organisation": "A conversation about a need is with the organisation that posted it."})
    if from_organisation.pk == to_organisation.pk:
        raise Refused({"organisation": "Choose another organisation to write to: this is your own."})
    if need.status not in UNMET:
        raise Refused(f"This need is {need.get_status_display().lower()}, so there is nothing to start.")
    if not message.strip():
        raise Refused({"message": "Write a message saying what you would like to talk about."})
    to = recipients(to_organisation, posted_it=to_organisation.pk == need.organisation_id)
    if not to:
        raise Refused({"organisation": cannot_be_written_to(to_organisation)})
    conversation = Conversation(
        need=need,
        from_organisation=from_organisation,
        to_organisation=to_organisation,
        sender=person(actor),
        sent_to="\n".join(to),
        message=message.strip(),
    )
    conversation.full_clean()
    conversation.save()
    audit.record(
        actor=actor,
        action="need.conversation",
        obj=need,
        changes={
            "conversation": [None, f"{from_organisation} to {to_organisation}"],
            "recipients": [None, len(to)],
        },
    )
    if need.status == NeedStatus.OPEN:
        _move(need, actor, NeedStatus.IN_CONVERSATION, f"{from_organisation} wrote to {to_organisation}.")
    else:
        _event(need, actor, need.status, f"{from_organisation} wrote to {to_organisation}.")
    _send(conversation, actor, link or need.get_absolute_url())
    return conversation


def _send(conversation: Conversation, actor: Actor, link: str) -> None:
    need = conversation.need
    sender = person(actor)
    who = f"{sender} of {conversation.from_organisation}" if sender else str(conversation.from_organisation)
    body = "\n\n".join(
        [
            f"{who} has written to {conversation.to_organisation} through museumshare about the need "
            f"‘{need.title}’ posted by {need.organisation}:",
            conversation.message,
            f"Read the need: {link}",
            "Reply to this email to answer them directly."
            if sender
            else "Reply through the contacts on their directory page.",
        ]
    )
    email = EmailMessage(
        subject=f"[museumshare] {conversation.from_organisation} about ‘{need.title}’",
        body=body,
        to=conversation.recipients(),
        reply_to=[sender.email] if sender else None,
    )
    transaction.on_commit(email.send)


# Offers


@transaction.atomic
def offer_create(*, actor: Actor, data: dict[str, Any], is_demo: bool = False) -> Offer:
    _require_poster(actor, "needs.add_offer", data.get("organisation"))
    offer = Offer(**data, is_demo=is_demo, created_by=person(actor))
    offer.full_clean()
    offer.save()
    audit.record(actor=actor, action="offer.create", obj=offer, changes=audit.diff({}, audit.snapshot(offer, data)))
    return offer


@transaction.atomic
def offer_update(*, offer: Offer, actor: Actor, data: dict[str, Any]) -> dict[str, list[Any]]:
    _require(actor, "needs.change_offer", offer, offer.organisation)
    if "organisation" in data and data["organisation"].pk != offer.organisation_id:
        _require_poster(actor, "needs.add_offer", data["organisation"])
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    return audit.save_changes(offer, actor=actor, action="offer.update", data=data)


def offer_withdraw(*, offer: Offer, actor: Actor) -> Offer:
    return _offer_move(offer, actor, OfferStatus.WITHDRAWN, "offer.withdraw")


def offer_reopen(*, offer: Offer, actor: Actor) -> Offer:
    return _offer_move(offer, actor, OfferStatus.OPEN, "offer.reopen")


@transaction.atomic
def _offer_move(offer: Offer, actor: Actor, to: OfferStatus, action: str) -> Offer:
    _require(actor, "needs.change_offer", offer, offer.organisation)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status == to:
        raise Refused(f"This offer is {to.label.lower()} already.")
    audit.save_changes(offer, actor=actor, action=action, data={"status": to})
    return offer
