"""Pages for programmes: the list, a programme's public page, starting and changing one, its
members, the managers' dashboard, participations with their evaluations and stories, mentoring
pairs and co-produced displays."""

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from museumshare.core import exports
from museumshare.core.forms import add_errors
from museumshare.organisations.models import Organisation
from museumshare.programmes import dashboard as figures
from museumshare.programmes import services
from museumshare.programmes.forms.programmes import (
    DisplayForm,
    EvaluationForm,
    HostEvaluationForm,
    MeetingForm,
    MemberAddForm,
    MemberLeaveForm,
    PairForm,
    ParticipationRecordForm,
    ParticipationUpdateForm,
    ProgrammeForm,
    StoryForm,
)
from museumshare.programmes.models import (
    MentoringPair,
    Opportunity,
    Participation,
    Programme,
    ProgrammeMember,
    taking_applications,
)


def _get_visible_programme(request: HttpRequest, slug: str) -> Programme:
    """The programme, or 404 for anyone who may not see it: nobody learns that it exists."""
    programme = get_object_or_404(Programme.objects.select_related("lead"), slug=slug)
    if not request.user.has_perm("programmes.view_programme", programme):
        raise Http404
    return programme


def _get_managed_programme(request: HttpRequest, slug: str) -> Programme:
    programme = _get_visible_programme(request, slug)
    if not request.user.has_perm("programmes.change_programme", programme):
        raise PermissionDenied("Only the programme's managers can do that.")
    return programme


# The list and a programme's page


@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    today = date.today()
    programmes = (
        Programme.objects.visible_to(request.user)
        .select_related("lead")
        .annotate(
            member_count=Count(
                "members",
                filter=Q(members__joined__lte=today) & (Q(members__left__isnull=True) | Q(members__left__gt=today)),
                distinct=True,
            ),
            open_count=Count("opportunities", filter=taking_applications(today, via="opportunities__"), distinct=True),
        )
        .order_by("name")
    )
    context = {"programmes": programmes, "can_add": request.user.has_perm("programmes.add_programme")}
    return render(request, "programmes/programme_list.html", context)


def _members_map(members: list[ProgrammeMember]) -> dict[str, Any]:
    points = [
        {
            "name": m.organisation.name,
            "role": m.get_role_display(),
            "lat": m.organisation.latitude,
            "lon": m.organisation.longitude,
        }
        for m in members
        if m.organisation.has_point and (m.left is None or m.left > date.today())
    ]
    return {"points": points}


@require_GET
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _get_visible_programme(request, slug)
    members = list(programme.members.select_related("organisation").order_by("joined", "organisation__name"))
    stories = (
        Participation.objects.filter(opportunity__programme=programme, story_consent=True)
        .filter(story_published_at__isnull=False)
        .exclude(story="")
        .select_related("home", "opportunity__host")
        .order_by("-story_published_at")
    )
    context = {
        "programme": programme,
        "members": members,
        "map": _members_map(members),
        "opportunities": programme.opportunities.open_for_applications().select_related("host"),
        "displays": programme.displays.select_related("host").prefetch_related("partners"),
        "events": programme.events.filter(starts_at__gte=timezone.now()).select_related("organiser"),
        "resources": programme.resources.select_related("organisation"),
        "stories": stories,
        "funders": [f.strip() for f in programme.funders.split(",") if f.strip()],
        "can_manage": request.user.has_perm("programmes.change_programme", programme),
        "can_see_dashboard": request.user.has_perm("programmes.view_dashboard", programme),
    }
    return render(request, "programmes/programme_detail.html", context)


# Starting and changing a programme, and its members


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("programmes.add_programme"):
        raise PermissionDenied("Only editors at a museum and programme managers can start a programme.")
    form = ProgrammeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(actor=request.user, data=form.programme_data())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, f"{programme.name} is started, with {programme.lead} as its lead. Now add its members."
            )
            return redirect("programmes:members", slug=programme.slug)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": None})


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _get_managed_programme(request, slug)
    form = ProgrammeForm(
        request.POST or None,
        instance=Programme.objects.select_related("lead").get(pk=programme.pk),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.programme_update(programme=programme, actor=request.user, data=form.programme_data())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, "Your changes are saved." if changes else "Nothing had changed, so nothing was saved."
            )
            return redirect(programme)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})


def _leave_form(member: ProgrammeMember, data: Any = None) -> MemberLeaveForm:
    form = MemberLeaveForm(data, prefix=f"leave-{member.pk}")
    form.fields["left"].label = f"Date {member.organisation.name} left"
    return form


@login_required
@require_http_methods(["GET", "POST"])
def programme_members(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _get_managed_programme(request, slug)
    members = list(programme.members.select_related("organisation").order_by("joined", "organisation__name"))
    action = request.POST.get("action") if request.method == "POST" else None
    add_form = MemberAddForm(request.POST if action == "add" else None, prefix="add")
    leaving = {m.pk: _leave_form(m) for m in members if m.left is None}
    failed: forms.Form | None = None
    if action == "add":
        if add_form.is_valid():
            data = add_form.cleaned_data
            try:
                member = services.member_add(
                    programme=programme,
                    actor=request.user,
                    organisation=data["organisation"],
                    role=data["role"],
                    joined=data["joined"],
                )
            except ValidationError as error:
                add_errors(add_form, error)
            else:
                messages.success(request, f"{member.organisation} is now a member of {programme}.")
                return redirect("programmes:members", slug=programme.slug)
        failed = add_form
    elif action == "leave":
        leaver = next((m for m in members if str(m.pk) == request.POST.get("member") and m.left is None), None)
        if leaver is None:
            messages.info(request, "That member has already left, so nothing was changed.")
            return redirect("programmes:members", slug=programme.slug)
        form = leaving[leaver.pk] = _leave_form(leaver, request.POST)
        if form.is_valid():
            try:
                services.member_leave(member=leaver, actor=request.user, left=form.cleaned_data["left"])
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, f"{leaver.organisation} left {programme} on {form.cleaned_data['left']:%-d %B %Y}."
                )
                return redirect("programmes:members", slug=programme.slug)
        failed = form
    context = {
        "programme": programme,
        "rows": [(m, leaving.get(m.pk)) for m in members],
        "add_form": add_form,
        "failed": failed,
    }
    return render(request, "programmes/programme_members.html", context)


# The managers' dashboard


@login_required
@require_GET
def programme_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _get_visible_programme(request, slug)
    if not request.user.has_perm("programmes.view_dashboard", programme):
        raise PermissionDenied("Only the programme's managers and analysts can see its dashboard.")
    fmt = request.GET.get("download")
    if fmt in exports.FORMATS:
        rows = figures.participant_rows(figures.participants(programme))
        return exports.download(
            fmt=fmt, name_parts=["participants", programme.name], header=figures.PARTICIPANTS_HEADER, rows=rows
        )
    data = figures.dashboard(programme)
    chart = ""
    if data.regions:
        title = f"Bar chart of {programme.name}'s participants by home region; the table beside it gives the numbers."
        chart = mark_safe(figures.region_chart_svg(data.regions, title=title))  # noqa: S308 (made by matplotlib, text escaped)
    context = {
        "programme": programme,
        "data": data,
        "chart": chart,
        "can_manage": request.user.has_perm("programmes.change_programme", programme),
    }
    return render(request, "programmes/dashboard.html", context)


# Participations: evaluations and stories


def _get_visible_participation(request: HttpRequest, pk: int) -> Participation:
    """The participation, for the participant, the host's reviewers, the programme's managers and
    analysts; 404 for anyone else."""
    participation = get_object_or_404(
        Participation.objects.select_related("opportunity__host", "opportunity__programme__lead", "home"), pk=pk
    )
    user = request.user
    if not (
        participation.participant_id == user.pk
        or user.has_perm("programmes.change_opportunity", participation.opportunity)
        or user.has_perm("programmes.view_dashboard", participation.opportunity.programme)
    ):
        raise Http404
    return participation


def _evaluation_initial(participation: Participation) -> dict[str, Any]:
    return {name: getattr(participation, name) for name in Participation.EVALUATION_FIELDS}


PARTICIPATION_FORMS = ("evaluate", "host_evaluate", "update", "story")


@login_required
@require_http_methods(["GET", "POST"])
def participation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    participation = _get_visible_participation(request, pk)
    user = request.user
    is_participant = participation.participant_id == user.pk
    is_host = user.has_perm("programmes.change_opportunity", participation.opportunity)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "story_withdraw":
        services.story_withdraw(participation=participation, actor=user)
        messages.success(request, "Your story is withdrawn. It no longer shows on the programme's page.")
        return redirect(participation)
    if action is not None and action not in PARTICIPATION_FORMS:
        raise Http404
    if action in ("evaluate", "story") and not is_participant:
        raise PermissionDenied("Only the participant can do that.")
    if action in ("host_evaluate", "update") and not is_host:
        raise PermissionDenied("Only the host can do that.")
    bound = request.POST if action else None
    evaluate = EvaluationForm(
        bound if action == "evaluate" else None, prefix="evaluate", initial=_evaluation_initial(participation)
    )
    host_evaluate = HostEvaluationForm(
        bound if action == "host_evaluate" else None,
        prefix="host",
        initial={"host_feedback": participation.host_feedback, "host_rating": participation.host_rating},
    )
    update = ParticipationUpdateForm(
        bound if action == "update" else None,
        prefix="update",
        instance=Participation.objects.get(pk=participation.pk),
    )
    story = StoryForm(
        bound if action == "story" else None,
        prefix="story",
        initial={"story": participation.story},
    )
    failed = {"evaluate": evaluate, "host_evaluate": host_evaluate, "update": update, "story": story}.get(action or "")
    if failed is not None and failed.is_valid():
        data = failed.cleaned_data
        try:
            if action == "evaluate":
                services.participation_evaluate(participation=participation, actor=user, data=data)
                done = "Thank you: your evaluation is saved. The host and the programme's managers can see it."
            elif action == "host_evaluate":
                services.participation_host_evaluate(participation=participation, actor=user, data=data)
                done = "Your evaluation is saved. The participant and the programme's managers can see it."
            elif action == "update":
                fields = ParticipationUpdateForm.Meta.fields
                changes = services.participation_update(
                    participation=participation, actor=user, data={name: data[name] for name in fields}
                )
                done = "The placement's details are saved." if changes else "Nothing had changed, so nothing was saved."
            else:
                services.story_publish(participation=participation, actor=user, story=data["story"])
                done = "Your story is published on the programme's page. You can withdraw it here at any time."
        except ValidationError as error:
            add_errors(failed, error)
        else:
            messages.success(request, done)
            return redirect(participation)
    context = {
        "participation": participation,
        "opportunity": participation.opportunity,
        "programme": participation.opportunity.programme,
        "is_participant": is_participant,
        "is_host": is_host,
        "evaluate_form": evaluate,
        "host_form": host_evaluate,
        "update_form": update,
        "story_form": story,
        "failed": failed,
    }
    return render(request, "programmes/participation_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def participation_record(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_object_or_404(Opportunity.objects.select_related("host", "programme"), pk=pk)
    if not request.user.has_perm("programmes.view_opportunity", opportunity):
        raise Http404
    if not request.user.has_perm("programmes.change_opportunity", opportunity):
        raise PermissionDenied("Only the host and the programme's managers can record who took part.")
    initial = {"start_date": opportunity.start_date, "end_date": opportunity.end_date}
    form = ParticipationRecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            participation = services.participation_record(
                opportunity=opportunity, actor=request.user, data=form.participation_data()
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"{participation.name} is recorded as taking part in {opportunity}. It counts in the register of "
                "partnership activity.",
            )
            return redirect(participation)
    return render(request, "programmes/participation_record.html", {"opportunity": opportunity, "form": form})


# Mentoring


@login_required
@require_http_methods(["GET", "POST"])
def pair_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _get_managed_programme(request, slug)
    form = PairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pair = services.pair_create(actor=request.user, data=form.pair_data(programme))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, f"{pair} is set up. The pair and the programme's managers can log their meetings here."
            )
            return redirect(pair)
    return render(request, "programmes/mentoring_form.html", {"programme": programme, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(
        MentoringPair.objects.select_related("programme", "mentor_organisation", "mentee_organisation"), pk=pk
    )
    if not request.user.has_perm("programmes.change_mentoringpair", pair):
        raise Http404
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in MeetingForm.Meta.fields}
        try:
            meeting = services.meeting_log(pair=pair, actor=request.user, data=data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"The meeting on {meeting.date:%-d %B %Y} is logged.")
            return redirect(pair)
    meetings = pair.meetings.select_related("logged_by")
    totals = meetings.aggregate(count=Count("id"))
    context = {"pair": pair, "meetings": meetings, "meeting_count": totals["count"], "form": form}
    return render(request, "programmes/mentoring_detail.html", context)


# Co-produced displays


@login_required
@require_http_methods(["GET", "POST"])
def display_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _get_managed_programme(request, slug)
    members = Organisation.objects.filter(programme_memberships__programme=programme).distinct().order_by("name")
    form = DisplayForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            display = services.display_create(
                programme=programme, actor=request.user, data=form.display_data(), partners=form.co_producers()
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"‘{display.title}’ is added to {programme}'s displays, and counts as a co-produced exhibition in "
                "the register.",
            )
            return redirect(reverse("programmes:detail", args=[programme.slug]) + "#displays-title")
    return render(request, "programmes/display_form.html", {"programme": programme, "form": form})
