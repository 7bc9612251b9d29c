"""Pages of needs and offers: the boards, one need with its suggestions, one offer with the needs it
could meet, posting and changing them, conversations, marking a need met, and the figures."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from museumshare.activities.models import Activity, sees_everything
from museumshare.core import exports, geography
from museumshare.core.forms import add_errors
from museumshare.loans.models import Loan
from museumshare.needs import figures, rules, services, suggest
from museumshare.needs import subjects as subject_list
from museumshare.needs.forms import (
    BoardFilterForm,
    ConversationForm,
    MetForm,
    NeedFilterForm,
    NeedForm,
    NoteForm,
    OfferFilterForm,
    OfferForm,
)
from museumshare.needs.models import Need, NeedQuerySet, NeedStatus, Offer, OfferQuerySet, OfferStatus
from museumshare.organisations.models import Membership, Organisation

PAGE_SIZE = 25
SAVED = "Your changes are saved."
UNCHANGED = "Nothing had changed, so nothing was saved."
FOR_ORGANISATION_SHOWN = 5
NEED_HEADER = [
    "id", "title", "organisation", "nation", "region", "kind", "subjects", "skills_area", "needed_from",
    "needed_until", "status", "visibility", "posted", "demo", "web_address",
]  # fmt: skip
OFFER_HEADER = [
    "id", "title", "organisation", "nation", "region", "kind", "subjects", "skills_area", "capacity",
    "regions_served", "status", "visibility", "posted", "demo", "web_address",
]  # fmt: skip


def _get_visible_need(request: HttpRequest, pk: int) -> Need:
    """The need, or 404 for a private one to anyone outside its organisation: nobody learns it exists."""
    need = get_object_or_404(Need.objects.select_related("organisation", "met_activity", "met_loan"), pk=pk)
    if not request.user.has_perm("needs.view_need", need):
        raise Http404
    return need


def _get_editable_need(request: HttpRequest, pk: int) -> Need:
    need = _get_visible_need(request, pk)
    if not request.user.has_perm("needs.change_need", need):
        raise PermissionDenied("Only editors at the organisation that posted this need can do this.")
    return need


def _get_visible_offer(request: HttpRequest, pk: int) -> Offer:
    offer = get_object_or_404(Offer.objects.select_related("organisation"), pk=pk)
    if not request.user.has_perm("needs.view_offer", offer):
        raise Http404
    return offer


def _get_editable_offer(request: HttpRequest, pk: int) -> Offer:
    offer = _get_visible_offer(request, pk)
    if not request.user.has_perm("needs.change_offer", offer):
        raise PermissionDenied("Only editors at the organisation that made this offer can do this.")
    return offer


# The boards


def _board_data(request: HttpRequest) -> QueryDict:
    data = request.GET.copy()
    data.setdefault("show", "open")
    return data


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    for name in ("page", "download"):
        query.pop(name, None)
    return str(query.urlencode())


def _regions(rows: list[str]) -> str:
    names = dict(geography.regions())
    return "; ".join(names.get(code, code) for code in rows)


def _need_row(request: HttpRequest, need: Need, regions: dict[str, str]) -> list[Any]:
    organisation = need.organisation
    return [
        need.pk,
        need.title,
        organisation.name,
        organisation.nation,
        regions.get(organisation.region_code, ""),
        need.get_kind_display(),
        "; ".join(need.subject_labels()),
        need.get_skills_area_display(),
        need.starts,
        need.ends,
        need.get_status_display(),
        need.visibility,
        need.created_at.date(),
        need.is_demo,
        request.build_absolute_uri(need.get_absolute_url()),
    ]


def _offer_row(request: HttpRequest, offer: Offer, regions: dict[str, str]) -> list[Any]:
    organisation = offer.organisation
    return [
        offer.pk,
        offer.title,
        organisation.name,
        organisation.nation,
        regions.get(organisation.region_code, ""),
        offer.get_kind_display(),
        "; ".join(offer.subject_labels()),
        offer.get_skills_area_display(),
        offer.capacity,
        "; ".join(regions.get(code, code) for code in offer.regions) or "The whole UK",
        offer.get_status_display(),
        offer.visibility,
        offer.created_at.date(),
        offer.is_demo,
        request.build_absolute_uri(offer.get_absolute_url()),
    ]


def _board(
    request: HttpRequest,
    form: BoardFilterForm,
    posted: "NeedQuerySet | OfferQuerySet",
    *,
    noun: str,
    header: list[str],
    row: Callable[[HttpRequest, Any, dict[str, str]], list[Any]],
) -> HttpResponse:
    """A board of needs or of offers (`noun`): the ones the reader may see, filtered, a page at a
    time or downloaded whole."""
    found = form.filter(posted.visible_to(request.user)).select_related("organisation")
    fmt = request.GET.get("download")
    if fmt in exports.FORMATS:
        regions = dict(geography.regions())
        rows = (row(request, one, regions) for one in found.iterator(chunk_size=500))
        parts = [f"{noun}s", *(text for _, text in form.described())]
        return exports.download(fmt=fmt, name_parts=parts, header=header, rows=rows)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "noun": noun,
        "query": _query(request),
        "active_filters": form.described(),
        "can_add": request.user.has_perm(f"needs.add_{noun}"),
    }
    return render(request, f"needs/{noun}_board.html", context)


@require_GET
def need_board(request: HttpRequest) -> HttpResponse:
    form = NeedFilterForm(_board_data(request))
    return _board(request, form, Need.objects.all(), noun="need", header=NEED_HEADER, row=_need_row)


@require_GET
def offer_board(request: HttpRequest) -> HttpResponse:
    form = OfferFilterForm(_board_data(request))
    return _board(request, form, Offer.objects.all(), noun="offer", header=OFFER_HEADER, row=_offer_row)


# One need, one offer


@require_GET
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = _get_visible_need(request, pk)
    user = request.user
    can_change = user.has_perm("needs.change_need", need)
    conversations = need.conversations.select_related("from_organisation", "to_organisation", "sender")
    if not (can_change or sees_everything(user)):
        # Who wrote to whom is for the two sides: the need's people see all, others their own.
        mine = Membership.objects.filter(user_id=user.pk or 0).values("organisation_id")
        conversations = conversations.filter(Q(from_organisation__in=mine) | Q(to_organisation__in=mine))
    context: dict[str, Any] = {
        "need": need,
        "can_change": can_change,
        "can_converse": need.is_unmet and user.has_perm("needs.converse_need", need),
        "suggestions": suggest.for_need(need, user) if need.is_unmet else [],
        "events": need.events.select_related("actor") if can_change else [],
        "conversations": conversations,
        "met_loan": _linked(need.met_loan, Loan.objects.visible_to(user)),
        "met_activity": _linked(need.met_activity, Activity.objects.visible_to(user)),
    }
    return render(request, "needs/need_detail.html", context)


def _linked(record: Any, visible: "QuerySet[Any]") -> dict[str, Any] | None:
    """What the need page says of the loan or activity that met it: a link only for those who may see it."""
    if record is None:
        return None
    seen = visible.filter(pk=record.pk).exists()
    return {"name": str(record) if seen else "", "url": record.get_absolute_url(), "visible": seen}


@require_GET
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _get_visible_offer(request, pk)
    context = {
        "offer": offer,
        "regions_served": _regions(offer.regions),
        "can_change": request.user.has_perm("needs.change_offer", offer),
        "matches": suggest.for_offer(offer, request.user) if offer.status == OfferStatus.OPEN else [],
    }
    return render(request, "needs/offer_detail.html", context)


# Posting and changing


def _form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], tuple[Any, str]],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Every form page here: on a valid POST, `save` calls the service and returns the record and
    what to tell the reader, who goes to the record; a refusal shows on the form, as its errors."""
    if request.method == "POST" and form.is_valid():
        try:
            record, message = save()
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(record)
    return render(request, template, {"form": form, **context})


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("needs.add_need"):
        raise PermissionDenied("Only editors at a museum can post its needs.")
    form = NeedForm(request.POST or None, user=request.user)

    def save() -> tuple[Need, str]:
        need = services.need_create(actor=request.user, data=form.data_for_service())
        return need, (
            f"Your need ‘{need.title}’ is posted. Below are the organisations most likely to meet it: "
            "start a conversation with one of them."
        )

    return _form_page(request, form, save, "needs/need_form.html", {"need": None})


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = _get_editable_need(request, pk)
    form = NeedForm(request.POST or None, user=request.user, instance=Need.objects.get(pk=need.pk))

    def save() -> tuple[Need, str]:
        changes = services.need_update(need=need, actor=request.user, data=form.data_for_service())
        return need, SAVED if changes else UNCHANGED

    return _form_page(request, form, save, "needs/need_form.html", {"need": need})


@login_required
@require_http_methods(["GET", "POST"])
def need_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    need = _get_editable_need(request, pk)
    form = NoteForm(request.POST if request.method == "POST" else None)

    def save() -> tuple[Need, str]:
        services.need_withdraw(need=need, actor=request.user, note=form.cleaned_data["note"])
        return need, f"‘{need.title}’ is withdrawn: it is off the board and no longer suggested."

    return _form_page(request, form, save, "needs/withdraw.html", {"posted": need, "what": "need"})


@login_required
@require_http_methods(["GET", "POST"])
def need_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    need = _get_editable_need(request, pk)
    form = NoteForm(request.POST if request.method == "POST" else None)

    def save() -> tuple[Need, str]:
        reopened = services.need_reopen(need=need, actor=request.user, note=form.cleaned_data["note"])
        return reopened, f"‘{need.title}’ is {reopened.get_status_display().lower()} again: it is back on the board."

    return _form_page(request, form, save, "needs/reopen.html", {"posted": need, "what": "need"})


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("needs.add_offer"):
        raise PermissionDenied("Only editors at a museum can make its offers.")
    form = OfferForm(request.POST or None, user=request.user)

    def save() -> tuple[Offer, str]:
        offer = services.offer_create(actor=request.user, data=form.data_for_service())
        return offer, f"Your offer ‘{offer.title}’ is made. Below are the needs it could meet, if any are open."

    return _form_page(request, form, save, "needs/offer_form.html", {"offer": None})


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _get_editable_offer(request, pk)
    form = OfferForm(request.POST or None, user=request.user, instance=Offer.objects.get(pk=offer.pk))

    def save() -> tuple[Offer, str]:
        changes = services.offer_update(offer=offer, actor=request.user, data=form.data_for_service())
        return offer, SAVED if changes else UNCHANGED

    return _form_page(request, form, save, "needs/offer_form.html", {"offer": offer})


@login_required
@require_http_methods(["GET", "POST"])
def offer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _get_editable_offer(request, pk)
    form = NoteForm(request.POST if request.method == "POST" else None)

    def save() -> tuple[Offer, str]:
        services.offer_withdraw(offer=offer, actor=request.user)
        return offer, f"‘{offer.title}’ is withdrawn: it is off the board and no longer suggested."

    return _form_page(request, form, save, "needs/withdraw.html", {"posted": offer, "what": "offer"})


@login_required
@require_http_methods(["GET", "POST"])
def offer_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _get_editable_offer(request, pk)
    form = NoteForm(request.POST if request.method == "POST" else None)

    def save() -> tuple[Offer, str]:
        services.offer_reopen(offer=offer, actor=request.user)
        return offer, f"‘{offer.title}’ is open again: it is back on the board."

    return _form_page(request, form, save, "needs/reopen.html", {"posted": offer, "what": "offer"})


# Conversations and meeting a need


def _sides(request: HttpRequest, need: Need) -> tuple["QuerySet[Organisation]", "QuerySet[Organisation]"]:
    """(who may be written to, who may write). The need's own editors write for it to the suggested
    organisations (or the one named in the address); others write for their organisations to it."""
    user = request.user
    if user.has_perm("needs.change_need", need):
        ids = [s.organisation_id for s in suggest.for_need(need, user)]
        wanted = request.GET.get("to") or request.POST.get("organisation") or ""
        if wanted.isdigit():
            ids.append(int(wanted))
        to = Organisation.objects.filter(pk__in=ids).exclude(pk=need.organisation_id).order_by("name")
        return to, Organisation.objects.filter(pk=need.organisation_id)
    mine = rules.editable_organisations(user)
    senders = Organisation.objects.none() if mine is None else mine
    return Organisation.objects.filter(pk=need.organisation_id), senders.exclude(pk=need.organisation_id)


@login_required
@require_http_methods(["GET", "POST"])
def conversation_start(request: HttpRequest, pk: int) -> HttpResponse:
    need = _get_visible_need(request, pk)
    if not request.user.has_perm("needs.converse_need", need):
        raise PermissionDenied("Only editors at a museum can start a conversation about a need.")
    to, senders = _sides(request, need)
    # Said before anyone writes: who cannot be written to, and how many messages are left today.
    closed = services.unreachable(need, to)
    to = to.exclude(pk__in=[organisation.pk for organisation in closed])
    initial = {"organisation": request.GET["to"]} if request.GET.get("to", "").isdigit() else {}
    form = ConversationForm(request.POST or None, to=to, senders=senders, initial=initial)

    def save() -> tuple[Need, str]:
        conversation = services.conversation_start(
            need=need,
            actor=request.user,
            from_organisation=form.cleaned_data["from_organisation"],
            to_organisation=form.cleaned_data["organisation"],
            message=form.cleaned_data["message"],
            link=request.build_absolute_uri(need.get_absolute_url()),
        )
        return need, (
            f"Your message is sent to {conversation.to_organisation}. They can reply to you by email. "
            "When the work starts, come back here to link the loan or activity and mark the need met."
        )

    context = {
        "posted": need,
        "closed": [services.cannot_be_written_to(organisation) for organisation in closed],
        "can_write": to.exists(),
        "messages_left": services.messages_left_today(request.user),
    }
    return _form_page(request, form, save, "needs/conversation_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def need_met(request: HttpRequest, pk: int) -> HttpResponse:
    need = _get_editable_need(request, pk)
    form = MetForm(request.POST or None, need=need, user=request.user)

    def save() -> tuple[Need, str]:
        services.need_mark_met(
            need=need,
            actor=request.user,
            activity=form.cleaned_data["activity"],
            loan=form.cleaned_data["loan"],
            note=form.cleaned_data["note"],
        )
        return need, f"‘{need.title}’ is marked met. It counts as met in the figures from now on."

    return _form_page(request, form, save, "needs/met_form.html", {"posted": need})


# The figures


@require_GET
def needs_figures(request: HttpRequest) -> HttpResponse:
    dimension = request.GET.get("by", "kind")
    if dimension not in figures.DIMENSIONS:
        dimension = "kind"
    rows = figures.by(request.user, dimension)
    fmt = request.GET.get("download")
    if fmt in exports.FORMATS:
        header, table = figures.export_rows(dimension, rows)
        return exports.download(
            fmt=fmt, name_parts=["needs", f"by {figures.DIMENSIONS[dimension]}"], header=header, rows=table
        )
    label = figures.DIMENSIONS[dimension].lower()
    context = {
        "dimension": dimension,
        "dimensions": figures.DIMENSIONS,
        "label": figures.DIMENSIONS[dimension],
        "rows": rows,
        "totals": figures.Row(
            "All", sum(r.unmet for r in rows), sum(r.met for r in rows), sum(r.withdrawn for r in rows)
        ),
        "chart": figures.chart_svg(rows, title=f"Unmet and met needs by {label}") if rows else "",
    }
    return render(request, "needs/figures.html", context)


# On an organisation's directory page


def for_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's open needs and offers that the reader may see, loaded with htmx."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if request.headers.get("HX-Request") != "true":
        return redirect(organisation)
    user = request.user
    needs = Need.objects.visible_to(user).unmet().filter(organisation=organisation)
    offers = Offer.objects.visible_to(user).open().filter(organisation=organisation)
    context = {
        "organisation": organisation,
        "needs": needs[:FOR_ORGANISATION_SHOWN],
        "need_count": needs.count(),
        "offers": offers[:FOR_ORGANISATION_SHOWN],
        "offer_count": offers.count(),
        "can_post": user.has_perm("needs.change_need", Need(organisation=organisation)),
        "subject_label": subject_list.label(organisation.subject) if organisation.subject else "",
        "open_status": NeedStatus.OPEN,
    }
    response = render(request, "needs/for_organisation.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
