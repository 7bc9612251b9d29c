"""Forms for programmes, opportunities, applications, events and resources. They validate; the
services in services.py write. Each section belongs to the pages of views/<section>.py."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from museumshare.activities.forms import CountField
from museumshare.core import geography
from museumshare.organisations.forms import OrganisationField
from museumshare.organisations.models import Organisation
from museumshare.programmes import rules, services
from museumshare.programmes.models import (
    Action,
    Display,
    Eligibility,
    Event,
    EventKind,
    MemberRole,
    MentoringMeeting,
    Opportunity,
    OpportunityKind,
    OpportunityQuerySet,
    OpportunityStatus,
    Participation,
    Programme,
    Resource,
    ResourceKind,
    SkillsArea,
)

# Programmes, members, participations, evaluations, stories, mentoring and displays


DAY_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]
YES_NO_CHOICES = [(True, "Yes"), (False, "No")]


class FieldsetRadios(forms.RadioSelect):
    """Radio buttons whose error-summary link goes to the first button (Django links to none)."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


def _date_errors(what: str) -> dict[str, str]:
    return {"required": f"Enter {what}.", "invalid": "Enter a real date, like 1 April 2020."}


def _yes_no(value: Any) -> bool | None:
    return {"True": True, "False": False, True: True, False: False}.get(value)


def _end_after_start(
    form: forms.BaseForm, start: str, end: str, message: str = "Enter an end date on or after the start date."
) -> None:
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, message)


class ProgrammeForm(forms.ModelForm[Programme]):
    """A programme's details. Its lead is chosen from where the user may lead from, or typed by
    administrators, who may choose any organisation."""

    website = forms.URLField(
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="The full address, starting https://",
        error_messages={"invalid": "Enter a full web address, like https://www.museum.org.uk/"},
    )

    class Meta:
        model = Programme
        fields = [name for name in Programme.FIELDS if name != "lead"]
        widgets = {
            "start_date": DAY_INPUT,
            "end_date": DAY_INPUT,
            "aims": forms.Textarea(attrs={"rows": 5}),
            "summary": forms.TextInput(),
        }
        labels = {"public": "Show the programme's page to everyone", "website": "Website"}
        error_messages = {
            "name": {"required": "Enter the programme's name.", "unique": "A programme with this name exists."},
            "summary": {"required": "Say in one sentence what the programme is."},
            "start_date": _date_errors("the date the programme started"),
            "end_date": _date_errors("the date the programme ends"),
        }

    def __init__(self, *args: Any, leads: QuerySet[Organisation] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead: forms.Field
        if leads is None:
            lead = OrganisationField(
                label="Lead organisation",
                help_text="Start typing a name, then choose from the list.",
                error_messages={"required": "Enter the organisation that leads the programme."},
            )
        else:
            lead = forms.ModelChoiceField(
                queryset=leads,
                label="Lead organisation",
                empty_label="Choose an organisation",
                error_messages={"required": "Choose the organisation that leads the programme."},
            )
        if self.instance.pk:
            lead.initial = self.instance.lead
        self.fields["lead"] = lead
        self.fields["start_date"].initial = date.today
        self.order_fields(["name", "lead"])

    def clean_lead(self) -> Organisation:
        lead = self.cleaned_data["lead"]
        if lead is None:
            raise forms.ValidationError("Enter the organisation that leads the programme.")
        self.instance.lead = lead
        return lead  # type: ignore[no-any-return]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _end_after_start(self, "start_date", "end_date")
        return data

    def programme_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in Programme.FIELDS}


class MemberAddForm(forms.Form):
    organisation = OrganisationField(
        label="Organisation",
        help_text="Start typing a name, then choose from the list.",
        error_messages={"required": "Enter the organisation that is joining."},
    )
    role = forms.ChoiceField(choices=MemberRole.choices, initial=MemberRole.PARTNER)
    joined = forms.DateField(
        label="Date it joined", widget=DAY_INPUT, error_messages=_date_errors("the date it joined")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["joined"].initial = date.today


class MemberLeaveForm(forms.Form):
    left = forms.DateField(label="Date it left", widget=DAY_INPUT, error_messages=_date_errors("the date it left"))


class EvaluationForm(forms.Form):
    """The participant's own evaluation."""

    skills_gained = forms.CharField(
        label="What skills did you gain?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say what skills you gained."},
    )
    confidence_before = forms.TypedChoiceField(
        label="How confident were you in these skills before you started?",
        choices=SCORE_CHOICES,
        coerce=int,
        widget=FieldsetRadios,
        help_text="1 is not at all confident, 5 is very confident.",
        error_messages={"required": "Choose how confident you were before you started, from 1 to 5."},
    )
    confidence_after = forms.TypedChoiceField(
        label="How confident are you in them now?",
        choices=SCORE_CHOICES,
        coerce=int,
        widget=FieldsetRadios,
        help_text="1 is not at all confident, 5 is very confident.",
        error_messages={"required": "Choose how confident you are now, from 1 to 5."},
    )
    would_recommend = forms.TypedChoiceField(
        label="Would you recommend it to a colleague?",
        choices=YES_NO_CHOICES,
        coerce=_yes_no,
        widget=FieldsetRadios,
        error_messages={"required": "Choose yes or no."},
    )


class HostEvaluationForm(forms.Form):
    host_feedback = forms.CharField(
        label="Your feedback on the participant",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The participant sees it, as do the programme's managers.",
        error_messages={"required": "Give your feedback on how the placement went."},
    )
    host_rating = forms.TypedChoiceField(
        label="How well did it go overall?",
        choices=SCORE_CHOICES,
        coerce=int,
        widget=FieldsetRadios,
        help_text="1 is not well at all, 5 is very well.",
        error_messages={"required": "Choose a rating from 1 to 5."},
    )


class ParticipationUpdateForm(forms.ModelForm[Participation]):
    """The host's record of the placement: its dates and how it ended."""

    class Meta:
        model = Participation
        fields = ["start_date", "end_date", "outcome"]
        widgets = {"start_date": DAY_INPUT, "end_date": DAY_INPUT}
        error_messages = {
            "start_date": _date_errors("the date they started"),
            "end_date": _date_errors("the date they finished"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _end_after_start(self, "start_date", "end_date")
        return data


class StoryForm(forms.Form):
    story = forms.CharField(
        label="Your story",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What you did, what you learnt and what you would tell someone thinking of applying.",
        error_messages={"required": "Write your story before you publish it."},
    )
    consent = forms.BooleanField(
        label="I agree to this story being shown publicly on the programme's page",
        help_text="With your name and your museum. You can withdraw it at any time, and it comes off the page at once.",
        error_messages={"required": "Tick the box to agree to your story being shown publicly, or do not publish it."},
    )


class ParticipationRecordForm(forms.ModelForm[Participation]):
    """Someone who took part without applying here."""

    email = forms.EmailField(
        label="Their email address",
        required=False,
        help_text="If they have a museumshare account, so they can give their evaluation.",
        error_messages={"invalid": "Enter an email address like name@museum.org.uk."},
    )
    home = OrganisationField(
        label="Where they work", required=False, help_text="Start typing a name, then choose from the list."
    )

    class Meta:
        model = Participation
        fields = ["name", "start_date", "end_date", "outcome"]
        widgets = {"start_date": DAY_INPUT, "end_date": DAY_INPUT}
        labels = {"name": "Their name"}
        error_messages = {
            "name": {"required": "Enter the participant's name."},
            "start_date": _date_errors("the date they started"),
            "end_date": _date_errors("the date they finished"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["name", "email", "home", "start_date", "end_date", "outcome"])

    def clean_email(self) -> Any:
        email = self.cleaned_data["email"]
        if not email:
            return None
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError("Nobody has an account with that email address: leave it empty.")
        return user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _end_after_start(self, "start_date", "end_date")
        return data

    def participation_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        return data | {"participant": self.cleaned_data["email"], "home": self.cleaned_data["home"]}


class PairForm(forms.Form):
    mentor_name = forms.CharField(label="Mentor's name", max_length=200)
    mentor_organisation = OrganisationField(
        label="Mentor's organisation", help_text="Start typing a name, then choose from the list."
    )
    mentor_email = forms.EmailField(
        label="Mentor's email address", required=False, help_text="If they have an account, so they can log meetings."
    )
    mentee_name = forms.CharField(label="Mentee's name", max_length=200)
    mentee_organisation = OrganisationField(
        label="Mentee's organisation", help_text="Start typing a name, then choose from the list."
    )
    mentee_email = forms.EmailField(
        label="Mentee's email address", required=False, help_text="If they have an account, so they can log meetings."
    )
    goals = forms.CharField(
        label="What the mentee wants to achieve", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    start_date = forms.DateField(
        label="Start date", widget=DAY_INPUT, error_messages=_date_errors("the date it starts")
    )
    end_date = forms.DateField(
        label="End date", widget=DAY_INPUT, required=False, error_messages=_date_errors("the date it ends")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor_name"].error_messages["required"] = "Enter the mentor's name."
        self.fields["mentee_name"].error_messages["required"] = "Enter the mentee's name."
        self.fields["mentor_organisation"].error_messages["required"] = "Enter the mentor's organisation."
        self.fields["mentee_organisation"].error_messages["required"] = "Enter the mentee's organisation."
        self.fields["start_date"].initial = date.today

    def _user(self, name: str) -> Any:
        email = self.cleaned_data[name]
        if not email:
            return None
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError("Nobody has an account with that email address: leave it empty.")
        return user

    def clean_mentor_email(self) -> Any:
        return self._user("mentor_email")

    def clean_mentee_email(self) -> Any:
        return self._user("mentee_email")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _end_after_start(self, "start_date", "end_date")
        return data

    def pair_data(self, programme: Programme) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "programme": programme,
            "mentor": data["mentor_email"],
            "mentor_name": data["mentor_name"],
            "mentor_organisation": data["mentor_organisation"],
            "mentee": data["mentee_email"],
            "mentee_name": data["mentee_name"],
            "mentee_organisation": data["mentee_organisation"],
            "goals": data["goals"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
        }


class MeetingForm(forms.ModelForm[MentoringMeeting]):
    class Meta:
        model = MentoringMeeting
        fields = ["date", "minutes", "online", "notes"]
        widgets = {"date": DAY_INPUT, "notes": forms.Textarea(attrs={"rows": 4})}
        labels = {"date": "Date of the meeting", "online": "It took place online"}
        error_messages = {
            "date": _date_errors("the date you met"),
            "minutes": {"invalid": "Enter the length in minutes, like 45."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = date.today

    def clean_date(self) -> date:
        day: date = self.cleaned_data["date"]
        if day > date.today():
            raise forms.ValidationError("Enter the date of a meeting that has taken place, today or before.")
        return day


class DisplayForm(forms.Form):
    """A display the programme's members made together; host and co-producers are its members."""

    title = forms.CharField(max_length=200, error_messages={"required": "Enter the display's title."})
    host = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Where it is shown",
        empty_label="Choose a member",
        error_messages={"required": "Choose the member where the display is shown."},
    )
    partners = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        label="Co-producers",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The other members who made it with the host.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    opens = forms.DateField(label="Opening date", widget=DAY_INPUT, error_messages=_date_errors("the date it opens"))
    closes = forms.DateField(
        label="Closing date", widget=DAY_INPUT, required=False, error_messages=_date_errors("the date it closes")
    )
    visitors = CountField(label="Visitors", required=False, help_text="How many people saw it, if known.")

    def __init__(self, *args: Any, members: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = members  # type: ignore[attr-defined]
        self.fields["partners"].queryset = members  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _end_after_start(self, "opens", "closes", "Enter a closing date on or after the opening date.")
        return data

    def display_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in Display.FIELDS}

    def co_producers(self) -> list[Organisation]:
        host = self.cleaned_data["host"]
        return [org for org in self.cleaned_data["partners"] if org != host]


# Opportunities and applications


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


def programmes_managed_by(user: Any, *, everything: bool) -> QuerySet[Programme]:
    """The programmes `user` manages; `everything` for someone who may offer opportunities anywhere."""
    candidates = Programme.objects.all() if everything else Programme.objects.filter(lead__memberships__user=user)
    ids = {programme.pk for programme in candidates.select_related("lead") if rules.manages_programme(user, programme)}
    return Programme.objects.filter(pk__in=ids).order_by("name")


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
            "start_date": _date_errors("the date it starts"),
            "end_date": _date_errors("the date it ends"),
            "closing_date": _date_errors("the last day to apply"),
            "contact_email": {"invalid": "Enter an email address like name@museum.org.uk."},
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance
        hosts = rules.hosts_for(user)
        host: forms.Field
        if hosts is None:
            host = OrganisationField(
                label="Host",
                help_text="The organisation that offers it. Start typing a name, then choose from the list.",
                error_messages={"required": "Enter the organisation that offers the opportunity."},
            )
        else:
            if current.host_id:
                hosts = Organisation.objects.filter(Q(pk__in=hosts.values("pk")) | Q(pk=current.host_id))
            choices = list(hosts.order_by("name"))
            host = forms.ModelChoiceField(
                queryset=hosts.order_by("name"),
                label="Host",
                help_text="The organisation that offers it.",
                empty_label="Choose an organisation",
                error_messages={"required": "Choose the organisation that offers the opportunity."},
            )
            if not current.host_id and len(choices) == 1:
                host.initial = choices[0]
        if current.host_id:
            host.initial = current.host
        self.fields["host"] = host
        programmes = programmes_managed_by(user, everything=hosts is None)
        if current.programme_id:
            programmes = Programme.objects.filter(Q(pk__in=programmes.values("pk")) | Q(pk=current.programme_id))
        self.fields["programme"] = forms.ModelChoiceField(
            queryset=programmes.order_by("name"),
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


# Events, minutes and actions


EVENT_TIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
EVENT_DAY_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EVENT_WHEN = [("upcoming", "Upcoming events"), ("past", "Past events")]
# As the form's page shows the fields, so the error summary lists problems in the same order.
EVENT_FIELD_ORDER = [
    "title", "kind", "organiser", "programme", "description", "starts_at", "ends_at", "location", "online_link",
    "audience", "capacity", "agenda",
]  # fmt: skip


def events_programmes_for(
    user: Any, keep: Programme | None = None, *, members_too: bool = False
) -> QuerySet[Programme]:
    """The programmes `user` manages (or with `members_too`, belongs to), with `keep` (the one already
    chosen) so an edit never loses it."""
    ids = {
        programme.pk
        for programme in Programme.objects.select_related("lead")
        if rules.manages_programme(user, programme) or (members_too and rules.belongs_to_programme(user, programme))
    }
    if keep is not None:
        ids.add(keep.pk)
    return Programme.objects.filter(pk__in=ids).order_by("name")


def events_host_field(
    user: Any, *, label: str, current: Organisation | None, required: bool, empty_label: str
) -> forms.Field:
    """Where `user` may hold an event or publish a resource from: a list of those, or for administrators
    (who may choose any organisation) a type-ahead box."""
    hosts = rules.hosts_for(user)
    if hosts is None:
        field: forms.Field = OrganisationField(
            label=label, required=required, help_text="Start typing a name, then choose from the list."
        )
    else:
        if current is not None:
            hosts = Organisation.objects.filter(Q(pk__in=hosts.values("pk")) | Q(pk=current.pk)).order_by("name")
        field = forms.ModelChoiceField(queryset=hosts, label=label, required=required, empty_label=empty_label)
        if current is None and required and len(hosts) == 1:
            field.initial = hosts[0]
    if current is not None:
        field.initial = current
    return field


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
        self.fields["organiser"] = events_host_field(
            user, label="Organiser", current=current, required=True, empty_label="Choose an organisation"
        )
        self.fields["organiser"].error_messages["required"] = "Choose the organisation holding the event."
        programme = self.fields["programme"]
        programme.queryset = events_programmes_for(user, self.instance.programme)  # type: ignore[attr-defined]
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
        widgets = {"due_date": EVENT_DAY_INPUT}
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


# Resources


RESOURCE_FILE_MAX_MB = 50
RESOURCE_NEEDS_A_LINK = "Give a web address for the resource, or upload a file."
RESOURCE_FIELD_ORDER = [
    "title", "kind", "description", "url", "file", "topic", "skills_area", "language", "programme", "organisation",
    "published",
]  # fmt: skip


class ResourceFilterForm(forms.Form):
    """The library's search and filters; every field optional, all carried in the URL."""

    q = forms.CharField(label="Search", required=False, help_text="Words in the title, description or topic.")
    kind = forms.ChoiceField(label="Kind", choices=[("", "Any"), *ResourceKind.choices], required=False)
    skills_area = forms.ChoiceField(label="Skills area", choices=[("", "Any"), *SkillsArea.choices], required=False)
    programme = forms.ChoiceField(label="Programme", required=False)
    language = forms.ChoiceField(label="Language", required=False)

    def __init__(self, *args: Any, programmes: QuerySet[Programme], languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", "Any"), *((p.slug, p.name) for p in programmes)]  # type: ignore[attr-defined]
        self.fields["language"].choices = [("", "Any"), *((name, name) for name in languages)]  # type: ignore[attr-defined]

    def chosen(self) -> dict[str, str]:
        """The filters given, less any that are not valid choices (an old link's, say)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def filter(self, resources: QuerySet[Resource]) -> QuerySet[Resource]:
        data = self.chosen()
        for word in data.get("q", "").split():
            resources = resources.filter(
                Q(title__icontains=word) | Q(description__icontains=word) | Q(topic__icontains=word)
            )
        for name in ("kind", "skills_area", "language"):
            if data.get(name):
                resources = resources.filter(**{name: data[name]})
        if data.get("programme"):
            resources = resources.filter(programme__slug=data["programme"])
        return resources

    def active_filters(self) -> list[tuple[str, str]]:
        """(label, value) of each search term or filter in use, for the results summary."""
        data = self.chosen()
        chosen = []
        for name, field in self.fields.items():
            value = data.get(name)
            if value:
                choices = dict(getattr(field, "choices", []))
                chosen.append((str(field.label), str(choices.get(value, value))))
        return chosen


class ResourceForm(forms.ModelForm[Resource]):
    """A film, guide or toolkit: a web address or an uploaded file, one of them at least."""

    url = forms.URLField(
        label="Web address",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Where to watch or read it, starting https://",
        error_messages={"invalid": "Enter a full web address, like https://www.museum.org.uk/guide"},
    )

    class Meta:
        model = Resource
        # The upload goes just after the web address: one or the other.
        fields = [name for field in Resource.FIELDS for name in ((field, "file") if field == "url" else (field,))]
        widgets = {"description": forms.Textarea(attrs={"rows": 5}), "published": EVENT_DAY_INPUT}
        labels = {
            "kind": "Kind of resource",
            "file": "Or upload a file",
            "skills_area": "Skills area",
            "organisation": "Made by",
            "published": "Date published",
        }
        help_texts = {
            "description": "What it covers and who it is for.",
            "topic": "A few words, such as 'Condition checking' or 'Co-curating with communities'.",
            "file": f"A document, presentation or video of up to {RESOURCE_FILE_MAX_MB} MB.",
        }
        error_messages = {
            "title": {"required": "Enter the resource's title."},
            "kind": {"required": "Choose what kind of resource it is."},
            "description": {"required": "Say what the resource covers and who it is for."},
            "language": {"required": "Enter the language it is in, such as English or Welsh."},
            "published": {
                "required": "Enter the date it was published.",
                "invalid": "Enter a real date, like 1 April 2020.",
            },
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.organisation if self.instance.organisation_id else None
        self.fields["organisation"] = events_host_field(
            user, label="Made by", current=current, required=False, empty_label="Not given"
        )
        if not self.fields["organisation"].help_text:
            self.fields["organisation"].help_text = "The organisation that made it."
        programme = self.fields["programme"]
        programme.queryset = events_programmes_for(  # type: ignore[attr-defined]
            user, self.instance.programme, members_too=True
        )
        programme.empty_label = "Not part of a programme"  # type: ignore[attr-defined]
        programme.help_text = "Programmes you manage or your museum belongs to."
        self.fields["skills_area"].choices = [("", "None in particular"), *SkillsArea.choices]  # type: ignore[attr-defined]
        self.fields["file"].widget.clear_checkbox_label = "Remove the file"
        self.order_fields(RESOURCE_FIELD_ORDER)

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload and getattr(upload, "size", 0) > RESOURCE_FILE_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                f"The file must be smaller than {RESOURCE_FILE_MAX_MB} MB: "
                "put it on a website and give its web address instead."
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "url" in data and "file" not in self.errors and not data["url"] and not data.get("file"):
            self.add_error("url", RESOURCE_NEEDS_A_LINK)
        return data

    def resource_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in Resource.FIELDS}

    def new_file(self) -> Any:
        """The uploaded file; "" if the file is to be removed; None to leave it as it is."""
        value = self.cleaned_data.get("file")
        if value is False:
            return ""
        return value if "file" in self.changed_data and value else None
