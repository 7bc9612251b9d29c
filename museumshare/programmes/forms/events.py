"""Forms for events: the list, an event, registering, attendance, minutes and actions."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from museumshare.organisations.models import Organisation
from museumshare.programmes import rules
from museumshare.programmes.forms import DAY_INPUT, organisation_choice, programmes_for
from museumshare.programmes.models import (
    Action,
    Event,
    EventKind,
    Programme,
)

EVENT_TIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
EVENT_WHEN = [("upcoming", "Upcoming events"), ("past", "Past events")]
# As the form's page shows the fields, so the error summary lists problems in the same order.
EVENT_FIELD_ORDER = [
    "title", "kind", "organiser", "programme", "description", "starts_at", "ends_at", "location", "online_link",
    "audience", "capacity", "agenda",
]  # fmt: skip


class EventFilterForm(forms.Form):
    """The events list's filters; every field optional, all carried in the URL."""

    when = forms.ChoiceField(label="When", choices=EVENT_WHEN, required=False)
    programme = forms.ChoiceField(label="Programme", required=False)
    kind = forms.ChoiceField(label="Kind of event", choices=[("", "Any"), *EventKind.choices], required=False)

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", "Any"), *((p.slug, p.name) for p in programmes)]  # type: ignore[attr-defined]

    def chosen(self) -> dict[str, str]:
        """The filters given, less any that are not valid choices (an old link's, say)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    @property
    def past(self) -> bool:
        return self.chosen().get("when") == "past"

    def filter(self, events: QuerySet[Event]) -> QuerySet[Event]:
        data = self.chosen()
        if data.get("programme"):
            events = events.filter(programme__slug=data["programme"])
        if data.get("kind"):
            events = events.filter(kind=data["kind"])
        return events

    def active_filters(self) -> list[tuple[str, str]]:
        """(label, value) of each filter in use but `when`, which the page's heading says."""
        data = self.chosen()
        return [
            (str(self.fields[name].label), str(dict(self.fields[name].choices)[data[name]]))  # type: ignore[attr-defined]
            for name in ("programme", "kind")
            if data.get(name)
        ]


class EventForm(forms.ModelForm[Event]):
    """An event's details. Its organiser is one of the places the user may hold events for; its
    programme one they manage."""

    online_link = forms.URLField(
        label="Online meeting link",
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="Shown only to people who have registered, starting https://",
        error_messages={"invalid": "Enter a full web address, like https://meet.example.org/abc"},
    )

    class Meta:
        model = Event
        fields = list(Event.FIELDS)
        widgets = {
            "starts_at": EVENT_TIME_INPUT,
            "ends_at": EVENT_TIME_INPUT,
            "description": forms.Textarea(attrs={"rows": 4}),
            "agenda": forms.Textarea(attrs={"rows": 8}),
        }
        labels = {
            "kind": "Kind of event",
            "starts_at": "Starts",
            "ends_at": "Ends",
            "location": "Place",
            "capacity": "Places available",
            "audience": "Who may register",
        }
        help_texts = {
            "starts_at": "The date and time it starts, such as 3 March 2026 at 10:30.",
            "ends_at": "The date and time it ends.",
            "location": "The venue and town, if it meets in person. Leave empty for an event held only online.",
            "agenda": "What will happen and when, one item to a line.",
            "capacity": "How many people may register. Leave empty for no limit.",
        }
        error_messages = {
            "title": {"required": "Enter the event's title."},
            "kind": {"required": "Choose what kind of event it is."},
            "starts_at": {"required": "Enter the date and time it starts.", "invalid": "Enter a real date and time."},
            "ends_at": {"invalid": "Enter a real date and time."},
            "capacity": {"invalid": "Enter a whole number of places, like 40."},
            "audience": {"required": "Choose who may register."},
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.organiser if self.instance.organiser_id else None
        self.fields["organiser"] = organisation_choice(
            rules.hosts_for(user),
            label="Organiser",
            current=current,
            required_message="Choose the organisation holding the event.",
        )
        programme = self.fields["programme"]
        programme.queryset = programmes_for(user, self.instance.programme)  # type: ignore[attr-defined]
        programme.empty_label = "Not part of a programme"  # type: ignore[attr-defined]
        programme.help_text = "Programmes you manage."
        self.order_fields(EVENT_FIELD_ORDER)

    def clean_organiser(self) -> Organisation:
        organiser = self.cleaned_data["organiser"]
        if organiser is None:
            raise forms.ValidationError("Choose the organisation holding the event.")
        return organiser  # type: ignore[no-any-return]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "Enter an end after the start, such as later the same day.")
        return data

    def event_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in Event.FIELDS}


class EventRegistrationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Which organisation are you coming from?",
        required=False,
        empty_label="None of these",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mine = Organisation.objects.filter(memberships__user=user).order_by("name") if user.is_authenticated else None
        if not mine:
            del self.fields["organisation"]
            return
        self.fields["organisation"].queryset = mine  # type: ignore[attr-defined]
        self.fields["organisation"].initial = mine[0]

    def chosen_organisation(self) -> Organisation | None:
        organisation: Organisation | None = self.cleaned_data.get("organisation")
        return organisation


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label="Who came", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, registrations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attended"]
        field.choices = [  # type: ignore[attr-defined]
            (r.pk, f"{r.user}, {r.organisation}" if r.organisation else str(r.user)) for r in registrations
        ]
        field.initial = [r.pk for r in registrations if r.attended]


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label="Minutes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Seen by the programme's members and the people who registered.",
    )


class ActionForm(forms.ModelForm[Action]):
    """An action agreed at the meeting: its owner is someone registered, or a name typed in."""

    class Meta:
        model = Action
        fields = ["description", "owner", "owner_name", "due_date"]
        widgets = {"due_date": DAY_INPUT}
        labels = {
            "description": "Action",
            "owner": "Who will do it",
            "owner_name": "Or their name",
            "due_date": "Due by",
        }
        help_texts = {
            "owner": "Someone registered for the event, or type a name below.",
            "owner_name": "If they did not register for the event.",
        }
        error_messages = {
            "description": {"required": "Say what is to be done."},
            "due_date": {"invalid": "Enter a real date, like 1 April 2026."},
        }

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.queryset = get_user_model().objects.filter(event_registrations__event=event).order_by("name", "email")  # type: ignore[attr-defined]
        owner.empty_label = "Someone not registered"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "owner" in data and not data.get("owner") and not data.get("owner_name", "").strip():
            self.add_error("owner", "Choose who will do it, or type their name.")
        elif data.get("owner") and data.get("owner_name", "").strip():
            self.add_error("owner_name", "Choose someone registered or type a name, not both.")
        return data

    def action_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
