"""Forms for the opportunities board, offering an opportunity, and applying."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import Q

from museumshare.core import geography
from museumshare.organisations.models import Organisation
from museumshare.programmes import rules, services
from museumshare.programmes.forms import DAY_INPUT, date_errors, organisation_choice, programmes_for
from museumshare.programmes.models import (
    Eligibility,
    Opportunity,
    OpportunityKind,
    OpportunityQuerySet,
    OpportunityStatus,
    Programme,
    SkillsArea,
)

CLOSING_SOON_DAYS = 14
# The board shows what people can apply for unless they ask for everything published.
SHOW_CHOICES = [("open", "Open for applications"), ("all", "All, including closed and filled")]
# A manager may set these; `filled` is set when the last place is taken.
STATUSES_SET_BY_HAND = (
    OpportunityStatus.DRAFT,
    OpportunityStatus.OPEN,
    OpportunityStatus.CLOSED,
    OpportunityStatus.CANCELLED,
)


class OpportunityFilterForm(forms.Form):
    """The opportunities board's search and filters; every field optional, all carried in the URL."""

    q = forms.CharField(label="Search", required=False, help_text="Words in the title, description or host’s name.")
    show = forms.ChoiceField(label="Show", required=False, choices=SHOW_CHOICES)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any"), *OpportunityKind.choices])
    skills_area = forms.ChoiceField(label="Skills area", required=False, choices=[("", "Any"), *SkillsArea.choices])
    region = forms.ChoiceField(label="Region", required=False, help_text="Where the host is.")
    programme = forms.ChoiceField(label="Programme", required=False)
    paid = forms.BooleanField(label="Paid only", required=False)
    closing_soon = forms.BooleanField(label=f"Closing within {CLOSING_SOON_DAYS} days", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "Anywhere"), *geography.regions()]  # type: ignore[attr-defined]
        offering = Programme.objects.filter(pk__in=Opportunity.objects.published().values("programme"))
        self.fields["programme"].choices = [("", "Any"), *offering.values_list("slug", "name")]  # type: ignore[attr-defined]

    def chosen(self) -> dict[str, Any]:
        """The valid filters in use; one mistyped value leaves the others working."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", False)}

    def filter(self, opportunities: OpportunityQuerySet, today: date | None = None) -> OpportunityQuerySet:
        today = today or date.today()
        data = self.chosen()
        if data.get("show", "open") == "open":
            opportunities = opportunities.open_for_applications(today)
        for word in str(data.get("q", "")).split():
            opportunities = opportunities.filter(
                Q(title__icontains=word) | Q(description__icontains=word) | Q(host__name__icontains=word)
            )
        for name, lookup in (("kind", "kind"), ("skills_area", "skills_area"), ("region", "host__region_code")):
            if name in data:
                opportunities = opportunities.filter(**{lookup: data[name]})
        if "programme" in data:
            opportunities = opportunities.filter(programme__slug=data["programme"])
        if "paid" in data:
            opportunities = opportunities.filter(paid=True)
        if "closing_soon" in data:
            soon = today + timedelta(days=CLOSING_SOON_DAYS)
            opportunities = opportunities.filter(closing_date__gte=today, closing_date__lte=soon)
        return opportunities

    def described(self) -> list[tuple[str, str]]:
        """(label, value in words) of each filter in use, for the results summary and the download's name."""
        found = []
        for name, value in self.chosen().items():
            if name == "show" and value == "open":
                continue
            field = self.fields[name]
            if value is True:
                text = "yes"
            elif isinstance(field, forms.ChoiceField):
                text = str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
            else:
                text = str(value)
            found.append((str(field.label or name), text))
        return found


class OpportunityForm(forms.ModelForm[Opportunity]):
    """An opportunity's details. The host is one of the organisations the user may offer
    opportunities for (typed, for administrators, who may choose any); the programme one they manage."""

    class Meta:
        model = Opportunity
        fields = list(Opportunity.FIELDS)
        widgets = {
            "start_date": DAY_INPUT,
            "end_date": DAY_INPUT,
            "closing_date": DAY_INPUT,
            "description": forms.Textarea(attrs={"rows": 8}),
        }
        labels = {
            "kind": "Kind of opportunity",
            "skills_area": "Skills area",
            "places": "Places available",
            "paid": "It is paid",
            "pay": "Pay",
            "online": "It takes place online",
            "eligibility": "Who can apply",
            "closing_date": "Closing date",
            "contact_email": "Email address for questions",
        }
        help_texts = {
            "description": "What the person will do and learn, who they will work with, and what you are looking for.",
            "end_date": "Leave empty if it has no fixed end.",
            "closing_date": "The last day to apply. Leave empty to take applications until you close it.",
            "status": "Only you and the people who manage it see a draft. Open puts it on the board for applications.",
        }
        error_messages = {
            "title": {"required": "Enter a title, such as ‘Paid internship in collections care’."},
            "kind": {"required": "Choose what kind of opportunity this is."},
            "description": {"required": "Describe the opportunity, so people can decide whether to apply."},
            "skills_area": {"required": "Choose the skills area it is in."},
            "places": {
                "required": "Enter how many places there are.",
                "invalid": "Enter a whole number of places, like 2.",
                "min_value": "Enter at least 1 place.",
            },
            "start_date": date_errors("the date it starts"),
            "end_date": date_errors("the date it ends"),
            "closing_date": date_errors("the last day to apply"),
            "contact_email": {"invalid": "Enter an email address like name@museum.org.uk."},
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance
        self.fields["host"] = organisation_choice(
            rules.hosts_for(user),
            label="Host",
            current=current.host if current.host_id else None,
            help_text="The organisation that offers it.",
            required_message="Choose the organisation that offers the opportunity.",
        )
        self.fields["programme"] = forms.ModelChoiceField(
            queryset=programmes_for(user, current.programme),
            label="Programme",
            required=False,
            empty_label="Not part of a programme",
            help_text="Only programmes you manage are listed.",
        )
        statuses = [s for s in OpportunityStatus if s in STATUSES_SET_BY_HAND or s == current.status]
        self.fields["status"].choices = [(s.value, s.label) for s in statuses]  # type: ignore[attr-defined]
        self.fields["start_date"].initial = date.today
        self.order_fields(Opportunity.FIELDS)

    def clean_host(self) -> Organisation:
        host = self.cleaned_data["host"]
        if host is None:
            raise forms.ValidationError("Enter the organisation that offers the opportunity.")
        # An administrator's host is typed, not chosen from a model field, so the instance gets it here.
        self.instance.host = host
        return host  # type: ignore[no-any-return]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end, closing = data.get("start_date"), data.get("end_date"), data.get("closing_date")
        if start and end and end < start:
            self.add_error("end_date", "Enter an end date on or after the start date.")
        if start and closing and closing > start:
            self.add_error("closing_date", f"Enter a closing date on or before the start date, {start:%-d %B %Y}.")
        if data.get("paid") and not data.get("pay", "").strip():
            self.add_error("pay", "Say what it pays, such as ‘£12.60 an hour’, or untick ‘It is paid’.")
        if data.get("eligibility") == Eligibility.MEMBERS and not data.get("programme") and "programme" in data:
            self.add_error(
                "eligibility", "Choose a programme, or let staff of any UK museum apply: only a programme has members."
            )
        return data

    def opportunity_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in Opportunity.FIELDS}


class ApplicationForm(forms.Form):
    """Step 1 of applying: where the applicant works, and why they want the place."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Which organisation do you work for?",
        empty_label="Choose an organisation",
    )
    statement = forms.CharField(
        label="Your statement",
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Why you want this place and what you would bring to it. The host reads this; nobody else does.",
        error_messages={
            "required": "Say why you want this place and what you would bring to it.",
            "max_length": "Keep your statement to 6,000 characters or fewer (it has %(show_value)d).",
        },
    )

    def __init__(self, *args: Any, opportunity: Opportunity, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.opportunity, self.user = opportunity, user
        field = self.fields["organisation"]
        yours = Organisation.objects.filter(memberships__user=user).order_by("name")
        field.queryset = yours  # type: ignore[attr-defined]
        if opportunity.eligibility == Eligibility.OPEN:
            field.required = False
            field.empty_label = "I am not applying from an organisation"  # type: ignore[attr-defined]
            field.help_text = "Anyone may apply. Choose where you work, if you work at one of these."
        else:
            field.help_text = (
                f"{opportunity.get_eligibility_display()}. Only the organisations you belong to on "
                "museumshare are listed."
            )
            field.error_messages["required"] = (
                "Choose the organisation you work for: this opportunity is for museum staff."
            )
        if len(yours) == 1:
            field.initial = yours[0]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "organisation" not in data:
            return data
        if why := self.opportunity.why_closed():
            raise forms.ValidationError(why)
        if why := services.may_apply(self.user, self.opportunity, data["organisation"]):
            self.add_error("organisation", why)
        return data


class ApplicationMoveForm(forms.Form):
    note = forms.CharField(
        label="Message",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep the message to 2,000 characters or fewer."},
    )


class ApplicationNotesForm(forms.Form):
    host_notes = forms.CharField(
        label="Your private notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only the people who review applications see these. The applicant never does.",
    )
