"""Pages of the opportunities board and the application journey: browse, offer and change an
opportunity, apply in steps with a check-your-answers page, follow an application, and review them."""

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from museumshare.core import exports, geography
from museumshare.core.forms import add_errors
from museumshare.core.services import Refused
from museumshare.programmes import services
from museumshare.programmes.forms.opportunities import (
    CLOSING_SOON_DAYS,
    ApplicationForm,
    ApplicationMoveForm,
    ApplicationNotesForm,
    OpportunityFilterForm,
    OpportunityForm,
)
from museumshare.programmes.models import (
    Application,
    ApplicationStatus,
    Eligibility,
    Opportunity,
    OpportunityQuerySet,
)

PAGE_SIZE = 25
EXPORT_HEADER = [
    "id", "title", "host", "region", "programme", "kind", "skills_area", "places", "places_taken",
    "start_date", "end_date", "duration", "paid", "pay", "online", "location", "eligibility",
    "closing_date", "status", "demo", "web_address",
]  # fmt: skip
# What each button says, for each status an application can be moved to.
MOVE_LABELS: dict[str, str] = {
    ApplicationStatus.SHORTLISTED: "Shortlist",
    ApplicationStatus.OFFERED: "Offer a place",
    ApplicationStatus.UNSUCCESSFUL: "Mark as unsuccessful",
    ApplicationStatus.ACCEPTED: "Accept the place",
    ApplicationStatus.DECLINED: "Decline the place",
    ApplicationStatus.WITHDRAWN: "Withdraw the application",
}
# Moves that cannot be undone by the person making them, so they are confirmed first.
CONFIRMED_MOVES = (ApplicationStatus.WITHDRAWN, ApplicationStatus.DECLINED)
DANGEROUS_MOVES = (*CONFIRMED_MOVES, ApplicationStatus.UNSUCCESSFUL)


def _get_visible_opportunity(request: HttpRequest, pk: int) -> Opportunity:
    """The opportunity, or 404 for a draft to anyone who may not manage it."""
    opportunity = get_object_or_404(Opportunity.objects.select_related("host", "programme__lead"), pk=pk)
    if not request.user.has_perm("programmes.view_opportunity", opportunity):
        raise Http404
    return opportunity


def _get_managed_opportunity(request: HttpRequest, pk: int) -> Opportunity:
    opportunity = _get_visible_opportunity(request, pk)
    if not request.user.has_perm("programmes.change_opportunity", opportunity):
        raise PermissionDenied("Only the host and the programme’s managers can do this.")
    return opportunity


def _get_visible_application(request: HttpRequest, pk: int) -> Application:
    """The application, or 404 for anyone but the applicant and its reviewers: nobody learns that it exists."""
    applications = Application.objects.select_related(
        "opportunity__host", "opportunity__programme__lead", "applicant", "organisation"
    )
    application = get_object_or_404(applications, pk=pk)
    if not request.user.has_perm("programmes.view_application", application):
        raise Http404
    return application


def _moves(user: Any, application: Application) -> list[dict[str, Any]]:
    """The buttons `user` may press on `application` now."""
    return [
        {
            "status": to,
            "label": MOVE_LABELS[to],
            "danger": to in DANGEROUS_MOVES,
            "confirm": to in CONFIRMED_MOVES,
        }
        for to in services.next_statuses(user, application)
    ]


# The board


def _board(opportunities: OpportunityQuerySet) -> OpportunityQuerySet:
    return (
        opportunities.with_counts()
        .select_related("host", "programme")
        .order_by(F("closing_date").asc(nulls_last=True), "start_date", "id")
    )


@require_GET
def opportunity_board(request: HttpRequest) -> HttpResponse:
    form = OpportunityFilterForm(request.GET or None)
    today = date.today()
    opportunities = _board(form.filter(Opportunity.objects.published(), today))
    fmt = request.GET.get("download")
    if fmt in exports.FORMATS:
        regions = dict(geography.regions())
        rows = (_export_row(request, o, regions) for o in opportunities.iterator(chunk_size=500))
        name_parts = ["opportunities", *(text for _, text in form.described())]
        return exports.download(fmt=fmt, name_parts=name_parts, header=EXPORT_HEADER, rows=rows)
    page = Paginator(opportunities, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for name in ("page", "download"):
        query.pop(name, None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "active_filters": form.described(),
        "showing_all": form.chosen().get("show") == "all",
        "can_add": request.user.has_perm("programmes.add_opportunity"),
        "today": today,
        "soon": today + timedelta(days=CLOSING_SOON_DAYS),
    }
    return render(request, "programmes/opportunity_board.html", context)


def _export_row(request: HttpRequest, opportunity: Any, regions: dict[str, str]) -> list[Any]:
    return [
        opportunity.pk,
        opportunity.title,
        opportunity.host.name,
        regions.get(opportunity.host.region_code, ""),
        opportunity.programme.name if opportunity.programme else "",
        opportunity.get_kind_display(),
        opportunity.get_skills_area_display(),
        opportunity.places,
        opportunity.taken,
        opportunity.start_date,
        opportunity.end_date,
        opportunity.duration,
        opportunity.paid,
        opportunity.pay,
        opportunity.online,
        opportunity.location,
        opportunity.get_eligibility_display(),
        opportunity.closing_date,
        opportunity.status_label(),
        opportunity.is_demo,
        request.build_absolute_uri(opportunity.get_absolute_url()),
    ]


# An opportunity's page


def _why_not(user: Any, opportunity: Opportunity) -> str:
    """Why `user` may not apply from any organisation they belong to; empty when they may from one."""
    if opportunity.eligibility == Eligibility.OPEN:
        return services.may_apply(user, opportunity, None)
    reasons = [
        services.may_apply(user, opportunity, m.organisation) for m in user.memberships.select_related("organisation")
    ]
    if "" in reasons:
        return ""
    return reasons[0] if reasons else "This opportunity is for museum staff: only staff of a museum can apply."


@require_GET
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _get_visible_opportunity(request, pk)
    user = request.user
    # Annotated with `taken` and `applied`, which the type checker cannot see.
    counted: Any = Opportunity.objects.with_counts().get(pk=opportunity.pk)
    can_manage = user.has_perm("programmes.change_opportunity", opportunity)
    mine = (
        Application.objects.filter(opportunity=opportunity, applicant=user).first() if user.is_authenticated else None
    )
    context: dict[str, Any] = {
        "opportunity": opportunity,
        "taken": counted.taken,
        "applied": counted.applied,
        "why_closed": opportunity.why_closed(),
        "mine": mine,
        "can_manage": can_manage,
        "why_not": _why_not(user, opportunity) if user.is_authenticated and not mine else "",
        "today": date.today(),
    }
    if can_manage:
        context["by_status"] = _counts_by_status(opportunity)
    return render(request, "programmes/opportunity_detail.html", context)


def _counts_by_status(opportunity: Opportunity) -> list[tuple[str, str, int]]:
    """(status, label, how many) for each status any application to `opportunity` has."""
    counts = dict(opportunity.applications.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return [(status.value, status.label, counts[status]) for status in ApplicationStatus if counts.get(status)]


# Offering and changing an opportunity


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("programmes.add_opportunity"):
        raise PermissionDenied("Only editors at a museum and programme managers can offer opportunities.")
    initial = {"programme": request.GET.get("programme")} if request.GET.get("programme", "").isdigit() else {}
    form = OpportunityForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = services.opportunity_create(actor=request.user, data=form.opportunity_data())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _saved_message(opportunity))
            return redirect(opportunity)
    return render(request, "programmes/opportunity_form.html", {"form": form, "opportunity": None})


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _get_managed_opportunity(request, pk)
    instance = Opportunity.objects.select_related("host", "programme").get(pk=opportunity.pk)
    form = OpportunityForm(request.POST or None, user=request.user, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.opportunity_update(
                opportunity=opportunity, actor=request.user, data=form.opportunity_data()
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            opportunity.refresh_from_db()
            messages.success(
                request, _saved_message(opportunity) if changes else "Nothing had changed, so nothing was saved."
            )
            return redirect(opportunity)
    return render(request, "programmes/opportunity_form.html", {"form": form, "opportunity": opportunity})


def _saved_message(opportunity: Opportunity) -> str:
    if opportunity.status == "draft":
        return (
            f"‘{opportunity.title}’ is saved as a draft. Only its host and the programme’s managers can see it: "
            "set its status to Open to put it on the board."
        )
    if opportunity.accepts_applications():
        return f"‘{opportunity.title}’ is saved and on the board. You will get an email for each application."
    return f"‘{opportunity.title}’ is saved. {opportunity.why_closed()}"


# Applying


@login_required
@require_http_methods(["GET", "POST"])
def application_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply in two steps: the form, then a check-your-answers page; nothing is sent until confirmed."""
    opportunity = _get_visible_opportunity(request, pk)
    user = request.user
    existing = Application.objects.filter(opportunity=opportunity, applicant_id=user.pk).first()
    if existing is not None:
        messages.info(request, "You have already applied for this opportunity. Your application is below.")
        return redirect(existing)
    if why := opportunity.why_closed():
        return render(request, "programmes/application_closed.html", {"opportunity": opportunity, "why": why})
    form = ApplicationForm(request.POST or None, opportunity=opportunity, user=user)
    context = {"opportunity": opportunity, "form": form}
    if request.method == "GET" or "change" in request.POST or not form.is_valid():
        return render(request, "programmes/application_form.html", context)
    if request.POST.get("confirmed") != "yes":
        return render(request, "programmes/application_check.html", context)
    try:
        application = services.application_submit(
            opportunity=opportunity,
            actor=user,
            organisation=form.cleaned_data["organisation"],
            statement=form.cleaned_data["statement"],
        )
    except Refused as refusal:
        add_errors(form, refusal)
        return render(request, "programmes/application_form.html", context)
    messages.success(
        request,
        f"Your application is sent to {opportunity.host}. We have emailed you a copy. The host will read it "
        "and tell you what happens next; you will see each step here, and you can withdraw it until you "
        "accept a place.",
    )
    return redirect(application)


# Following an application


@login_required
@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    applications = Application.objects.filter(applicant_id=request.user.pk).select_related(
        "opportunity__host", "opportunity__programme__lead", "organisation"
    )
    rows = [{"application": a, "moves": _moves(request.user, a)} for a in applications]
    return render(request, "programmes/application_list.html", {"rows": rows})


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _get_visible_application(request, pk)
    user = request.user
    reviewer = user.has_perm("programmes.review_application", application)
    context = {
        "application": application,
        "opportunity": application.opportunity,
        "events": application.events.select_related("actor"),
        "moves": _moves(user, application),
        "is_applicant": application.applicant_id == user.pk,
        "reviewer": reviewer,
        "notes_form": ApplicationNotesForm(initial={"host_notes": application.host_notes}) if reviewer else None,
    }
    return render(request, "programmes/application_detail.html", context)


def _next(request: HttpRequest, application: Application) -> str:
    """Back where the button was pressed (the reviewers' list, Your applications), or the application."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return application.get_absolute_url()


@login_required
@require_POST
def application_move(request: HttpRequest, pk: int, status: str) -> HttpResponse:
    """Move an application on; withdrawing and declining ask for confirmation first."""
    application = _get_visible_application(request, pk)
    if status not in ApplicationStatus.values:
        raise Http404
    form = ApplicationMoveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(_next(request, application))
    note = form.cleaned_data["note"]
    mine = status in services.next_statuses(request.user, application)
    if mine and status in CONFIRMED_MOVES and request.POST.get("confirmed") != "yes":
        context = {
            "application": application,
            "opportunity": application.opportunity,
            "status": status,
            "label": MOVE_LABELS[status],
            "note": note,
            "next": _next(request, application),
        }
        return render(request, "programmes/application_confirm.html", context)
    try:
        services.application_move(application=application, actor=request.user, to=status, note=note)
    except Refused as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(request, _moved_message(application, status))
    return redirect(_next(request, application))


def _moved_message(application: Application, status: str) -> str:
    host, applicant = application.opportunity.host, application.applicant
    return {
        ApplicationStatus.SHORTLISTED: f"{applicant} is shortlisted. We have emailed them to say so.",
        ApplicationStatus.OFFERED: f"{applicant} is offered a place. We have emailed them: they can accept or decline.",
        ApplicationStatus.UNSUCCESSFUL: f"{applicant}’s application is marked unsuccessful. We have emailed them.",
        ApplicationStatus.ACCEPTED: f"You have accepted the place. {host} has been told and will be in touch "
        "about your start.",
        ApplicationStatus.DECLINED: f"You have declined the place. {host} has been told.",
        ApplicationStatus.WITHDRAWN: f"Your application is withdrawn. {host} has been told.",
    }[ApplicationStatus(status)]


@login_required
@require_POST
def application_notes(request: HttpRequest, pk: int) -> HttpResponse:
    application = _get_visible_application(request, pk)
    if not request.user.has_perm("programmes.review_application", application):
        raise PermissionDenied("Only the people who review applications can keep notes on them.")
    form = ApplicationNotesForm(request.POST)
    if form.is_valid():
        try:
            services.application_note(
                application=application, actor=request.user, notes=form.cleaned_data["host_notes"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Your notes are saved. The applicant cannot see them.")
    return redirect(_next(request, application))


# Reviewing the applications to an opportunity


@login_required
@require_GET
def applications_for(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _get_managed_opportunity(request, pk)
    applications = list(opportunity.applications.select_related("applicant", "organisation"))
    for application in applications:
        # Each one's permissions ask about the opportunity: the one already fetched, not one query each.
        application.opportunity = opportunity
    status = request.GET.get("status", "")
    shown = [a for a in applications if a.status == status] if status in ApplicationStatus.values else applications
    context = {
        "opportunity": opportunity,
        "rows": [{"application": a, "moves": _moves(request.user, a)} for a in shown],
        "total": len(applications),
        "by_status": _counts_by_status(opportunity),
        "status": status if status in ApplicationStatus.values else "",
        "status_label": ApplicationStatus(status).label if status in ApplicationStatus.values else "",
        "taken": opportunity.participations.count(),
        "today": date.today(),
    }
    return render(request, "programmes/application_reviews.html", context)
