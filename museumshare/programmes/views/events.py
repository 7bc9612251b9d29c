"""Pages for events: the list, an event's page where people register, adding and changing an event,
recording who came, and a meeting's minutes and actions."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from museumshare.core.forms import add_errors
from museumshare.programmes import services
from museumshare.programmes.forms.events import (
    ActionForm,
    AttendanceForm,
    EventFilterForm,
    EventForm,
    EventRegistrationForm,
    MinutesForm,
)
from museumshare.programmes.models import Action, Event, Programme

PAGE_SIZE = 25


def _get_event(request: HttpRequest, pk: int) -> Event:
    """The event, or 404 for anyone who may not see it: nobody learns that it exists."""
    return get_object_or_404(Event.objects.visible_to(request.user).select_related("programme", "organiser"), pk=pk)


def _get_managed_event(request: HttpRequest, pk: int) -> Event:
    event = _get_event(request, pk)
    if not request.user.has_perm("programmes.change_event", event):
        raise PermissionDenied
    return event


# The list


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = Event.objects.visible_to(user)
    programmes = Programme.objects.filter(pk__in=visible.values("programme_id")).order_by("name")
    form = EventFilterForm(request.GET or None, programmes=programmes)
    now = timezone.now()
    still_to_come = Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now)
    over = Q(ends_at__lt=now) | Q(ends_at__isnull=True, starts_at__lt=now)
    events = form.filter(visible)
    if form.past:
        events = events.filter(over).order_by("-starts_at", "-id")
    else:
        events = events.filter(still_to_come).order_by("starts_at", "id")
    events = events.select_related("programme", "organiser").annotate(
        places_left=ExpressionWrapper(F("capacity") - Count("registrations"), output_field=IntegerField())
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    other = query.copy()
    other["when"] = "upcoming" if form.past else "past"
    context = {
        "form": form,
        "page": page,
        "past": form.past,
        "query": query.urlencode(),
        "other_when": other.urlencode(),
        "active_filters": form.active_filters(),
        "can_add": user.has_perm("programmes.add_event"),
    }
    return render(request, "programmes/event_list.html", context)


# An event's page, and registering


def _detail_context(request: HttpRequest, event: Event, form: EventRegistrationForm | None = None) -> dict[str, Any]:
    user = request.user
    registration = (
        event.registrations.select_related("organisation").filter(user=user).first() if user.is_authenticated else None
    )
    can_manage = user.has_perm("programmes.change_event", event)
    can_see_minutes = user.has_perm("programmes.view_minutes", event)
    registered = event.registrations.count()
    actions = event.actions.select_related("owner") if can_see_minutes else Action.objects.none()
    return {
        "event": event,
        "registration": registration,
        "why_not": "" if registration else services.may_register(user, event),
        "form": form or EventRegistrationForm(user=user),
        "registered": registered,
        "places_left": None if event.capacity is None else max(event.capacity - registered, 0),
        "has_happened": event.starts_at < timezone.now(),
        "show_link": bool(registration) or can_manage,
        "can_manage": can_manage,
        "attendees": event.registrations.select_related("user", "organisation") if can_manage else [],
        "can_see_minutes": can_see_minutes,
        "actions": [_action_row(user, action, can_manage) for action in actions],
    }


def _action_row(user: Any, action: Action, can_manage: bool) -> dict[str, Any]:
    return {
        "action": action,
        "overdue": action.is_overdue(),
        "may_change": can_manage or (user.is_authenticated and action.owner_id == user.pk),
    }


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_event(request, pk)
    return render(request, "programmes/event_detail.html", _detail_context(request, event))


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_event(request, pk)
    form = EventRegistrationForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.event_register(event=event, actor=request.user, organisation=form.chosen_organisation())
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            link = " The link to join online is on this page." if event.online_link else ""
            messages.success(request, f"You are registered for {event.title}.{link} If you cannot come, cancel here.")
            return redirect(event)
    return render(request, "programmes/event_detail.html", _detail_context(request, event, form))


@login_required
@require_POST
def event_unregister(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_event(request, pk)
    services.event_unregister(event=event, actor=request.user)
    messages.success(request, f"Your registration for {event.title} is cancelled, so your place is free.")
    return redirect(event)


# Adding and changing an event


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("programmes.add_event"):
        raise PermissionDenied
    programme = Programme.objects.filter(slug=request.GET.get("programme") or "").first()
    form = EventForm(request.POST or None, user=request.user, initial={"programme": programme})
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, data=form.event_data())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Event added. People can now find it under Events and register on this page.")
            return redirect(event)
    return render(request, "programmes/event_form.html", {"form": form, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_managed_event(request, pk)
    # The form works on its own copy, so the service sees what changed.
    form = EventForm(request.POST or None, instance=Event.objects.get(pk=event.pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.event_update(event=event, actor=request.user, data=form.event_data())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, "Your changes are saved." if changes else "Nothing had changed, so nothing was saved."
            )
            return redirect(event)
    return render(request, "programmes/event_form.html", {"form": form, "event": event})


# Attendance, minutes and actions


@login_required
@require_http_methods(["GET", "POST"])
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_managed_event(request, pk)
    registrations = list(event.registrations.select_related("user", "organisation"))
    form = AttendanceForm(request.POST or None, registrations=registrations)
    if request.method == "POST" and form.is_valid():
        came = services.attendance_record(event=event, actor=request.user, attended=set(form.cleaned_data["attended"]))
        messages.success(
            request,
            f"Attendance recorded: {came} of {len(registrations)} came. "
            "The event’s entry in the register of partnership activity now counts them and their organisations.",
        )
        return redirect(event)
    context = {"event": event, "form": form, "registrations": registrations}
    return render(request, "programmes/event_attendance.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes and the actions agreed: two forms on one page, told apart by their buttons."""
    event = _get_managed_event(request, pk)
    posted = request.POST if request.method == "POST" else None
    adding = posted is not None and "add_action" in posted
    minutes_form = MinutesForm(None if adding else posted, initial={"minutes": event.minutes}, prefix="minutes")
    action_form = ActionForm(posted if adding else None, event=event, prefix="action")
    if adding and action_form.is_valid():
        action = services.action_create(event=event, actor=request.user, data=action_form.action_data())
        messages.success(request, f"Action added: {action}. It shows with the minutes on the event’s page.")
        return redirect("programmes:event_minutes", event.pk)
    if posted is not None and not adding and minutes_form.is_valid():
        minutes = minutes_form.cleaned_data["minutes"].strip()
        changes = services.event_update(event=event, actor=request.user, data={"minutes": minutes})
        messages.success(
            request,
            "Minutes saved. The programme’s members and the people who registered can read them on the event’s page."
            if changes
            else "Nothing had changed, so nothing was saved.",
        )
        return redirect("programmes:event_minutes", event.pk)
    actions = event.actions.select_related("owner")
    context = {
        "event": event,
        "minutes_form": minutes_form,
        "action_form": action_form,
        "actions": [_action_row(request.user, action, True) for action in actions],
    }
    return render(request, "programmes/event_minutes.html", context)


@login_required
@require_POST
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an action done, or open it again: the event's managers may, and so may the action's owner."""
    action = get_object_or_404(Action.objects.select_related("event__programme", "event__organiser"), pk=pk)
    user = request.user
    if not (user.has_perm("programmes.change_event", action.event) or action.owner_id == user.pk):
        raise PermissionDenied
    done = request.POST.get("done") == "true"
    changes = services.action_update(action=action, actor=user, data={"done": done})
    if not changes:
        messages.info(request, f"‘{action}’ was already {'done' if done else 'open'}.")
    elif done:
        messages.success(request, f"‘{action}’ is marked done.")
    else:
        messages.success(request, f"‘{action}’ is open again.")
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect(action.event)
