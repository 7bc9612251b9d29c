"""Forms for the needs and offers boards, posting a need or an offer, conversations and marking a
need met. They validate; the services write."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from museumshare.activities.models import Activity
from museumshare.core import geography
from museumshare.loans.models import Loan
from museumshare.loans.models import Status as LoanStatus
from museumshare.needs import rules, subjects
from museumshare.needs.models import UNMET, Kind, Need, Offer, OfferStatus, Visibility
from museumshare.organisations.forms import OrganisationField
from museumshare.organisations.models import Nation, Organisation
from museumshare.programmes.models import SkillsArea

DAY_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NEED_SHOW = [("open", "Open or in conversation"), ("met", "Met"), ("withdrawn", "Withdrawn"), ("all", "All")]
OFFER_SHOW = [("open", "Open"), ("withdrawn", "Withdrawn"), ("all", "All")]
# Choices of activities or loans to link when a need is met: the most recent first, enough for anyone.
LINK_CHOICES = 200


class FieldsetRadios(forms.RadioSelect):
    """Radio buttons whose error-summary link goes to the first button (Django links to none)."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


def _any(choices: list[tuple[str, str]], label: str = "Any") -> list[tuple[str, str]]:
    return [("", label), *choices]


class BoardFilterForm(forms.Form):
    """The boards' search and filters; every field optional, all carried in the URL. The API
    filters its lists with the same form."""

    q = forms.CharField(label="Search", required=False, help_text="Words in the title, description or organisation.")
    show = forms.ChoiceField(label="Show", required=False)
    kind = forms.ChoiceField(label="Kind", required=False, choices=_any(Kind.choices))
    subject = forms.ChoiceField(label="Subject", required=False)
    nation = forms.ChoiceField(label="Nation", required=False, choices=_any(Nation.choices, "Anywhere"))
    region = forms.ChoiceField(label="Region", required=False, help_text="Where the organisation is.")
    organisation = forms.SlugField(label="Organisation", required=False, widget=forms.HiddenInput)
    # Finer areas than a region, as the map links to them; not offered in the sidebar.
    county = forms.ChoiceField(label="County or unitary authority", required=False, widget=forms.HiddenInput)
    local_authority = forms.ChoiceField(label="Local authority", required=False, widget=forms.HiddenInput)

    show_choices = NEED_SHOW

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["show"].choices = self.show_choices  # type: ignore[attr-defined]
        self.fields["subject"].choices = _any(subjects.choices())  # type: ignore[attr-defined]
        self.fields["region"].choices = _any(geography.regions(), "Anywhere")  # type: ignore[attr-defined]
        self.fields["county"].choices = _any(geography.upper_tier_authorities())  # type: ignore[attr-defined]
        self.fields["local_authority"].choices = _any(  # type: ignore[attr-defined]
            [(d.code, d.name) for d in geography.districts()]
        )

    def chosen(self) -> dict[str, Any]:
        """The valid filters in use; one mistyped value leaves the others working."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def filter(self, qs: Any) -> Any:
        data = self.chosen()
        show = data.get("show", "all")
        if show == "open":
            qs = qs.filter(status__in=UNMET) if qs.model is Need else qs.filter(status=OfferStatus.OPEN)
        elif show != "all":
            qs = qs.filter(status=show)
        for word in str(data.get("q", "")).split():
            qs = qs.filter(
                Q(title__icontains=word) | Q(description__icontains=word) | Q(organisation__name__icontains=word)
            )
        for name, lookup in (
            ("kind", "kind"),
            ("nation", "organisation__nation"),
            ("region", "organisation__region_code"),
            ("organisation", "organisation__slug"),
            ("county", "organisation__upper_tier_code"),
            ("local_authority", "organisation__district_code"),
        ):
            if name in data:
                qs = qs.filter(**{lookup: data[name]})
        if "subject" in data:
            qs = qs.about(data["subject"])
        return qs

    def described(self) -> list[tuple[str, str]]:
        """(label, value in words) of each filter in use, for the results summary and the download's name."""
        found = []
        for name, value in self.chosen().items():
            if name == "show" and value == "open":
                continue
            field = self.fields[name]
            choices = dict(field.choices) if isinstance(field, forms.ChoiceField) else {}  # type: ignore[arg-type]
            found.append((str(field.label or name), str(choices.get(value, value))))
        return found


class NeedFilterForm(BoardFilterForm):
    pass


class OfferFilterForm(BoardFilterForm):
    show_choices = OFFER_SHOW


def _organisation_field(user: Any, current: Organisation | None, what: str) -> forms.Field:
    """The organisations `user` edits for, or, for an administrator, any organisation typed by name."""
    choices = rules.editable_organisations(user)
    field: forms.Field
    if choices is None:
        field = OrganisationField(label="Organisation", help_text="Start typing a name, then choose from the list.")
    else:
        if current is not None:
            choices = Organisation.objects.filter(Q(pk__in=choices.values("pk")) | Q(pk=current.pk)).order_by("name")
        field = forms.ModelChoiceField(
            queryset=choices,
            label="Organisation",
            empty_label="Choose an organisation",
            help_text=f"The organisation that {what}. Only those you edit for are listed.",
        )
        if current is None and len(choices) == 1:
            field.initial = choices[0]
    if current is not None:
        field.initial = current
    field.error_messages["required"] = f"Choose the organisation that {what}."
    return field


class PostedForm(forms.ModelForm[Any]):
    subjects = forms.MultipleChoiceField(
        label="Subjects",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="The Mapping Museums subjects it is about. Hold Ctrl (or Cmd on a Mac) to choose more than one.",
        error_messages={"invalid_choice": "Choose subjects from the list."},
    )
    what = "needs it"

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.organisation if self.instance.organisation_id else None
        self.fields["organisation"] = _organisation_field(user, current, self.what)
        self.fields["subjects"].choices = subjects.choices()  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", "Choose the kind of help"), *Kind.choices]  # type: ignore[attr-defined]
        self.fields["skills_area"].choices = [("", "No particular skills area"), *SkillsArea.choices]  # type: ignore[attr-defined]
        self.fields["visibility"].widget = FieldsetRadios(choices=Visibility.choices)

    def clean_organisation(self) -> Organisation:
        organisation = self.cleaned_data["organisation"]
        if organisation is None:
            raise forms.ValidationError(f"Enter the organisation that {self.what}.")
        # An administrator's organisation is typed, not chosen from a model field, so the instance gets it here.
        self.instance.organisation = organisation
        return organisation  # type: ignore[no-any-return]

    def clean_subjects(self) -> list[str]:
        return list(self.cleaned_data["subjects"])

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


COMMON_LABELS = {
    "kind": "What kind of help",
    "skills_area": "Skills area",
    "title": "Title",
    "visibility": "Who can see it",
}
COMMON_ERRORS: dict[str, dict[str, str]] = {
    "kind": {"required": "Choose what kind of help it is."},
    "title": {"required": "Enter a title, such as ‘Borrow 18th-century portraits for a 2027 exhibition’."},
    "description": {"required": "Describe it, so others can see whether they can help."},
    "visibility": {"required": "Choose who can see it."},
}


class NeedForm(PostedForm):
    class Meta:
        model = Need
        fields = list(Need.FIELDS)
        widgets = {"starts": DAY_INPUT, "ends": DAY_INPUT, "description": forms.Textarea(attrs={"rows": 6})}
        labels = COMMON_LABELS | {"starts": "Needed from", "ends": "Needed until"}
        help_texts = {
            "description": "What you need, for what, and what you can offer in return: the more you say, the "
            "better the suggestions.",
            "skills_area": "For skills, training, advice or placements: the area it is in.",
            "starts": "Leave the dates empty if there is no fixed time.",
        }
        error_messages = COMMON_ERRORS | {
            "starts": {"invalid": "Enter a real date, like 1 March 2027."},
            "ends": {"invalid": "Enter a real date, like 30 September 2027."},
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends < starts:
            self.add_error("ends", f"Enter a date on or after the date it is needed from, {starts:%-d %B %Y}.")
        return data


class OfferForm(PostedForm):
    regions = forms.MultipleChoiceField(
        label="Regions served",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to serve the whole UK.",
        error_messages={"invalid_choice": "Choose regions from the list."},
    )
    what = "offers it"

    class Meta:
        model = Offer
        fields = list(Offer.FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        labels = COMMON_LABELS | {"capacity": "How many a year"}
        help_texts = {
            "description": "What you offer, to whom, and how to ask for it.",
            "capacity": "Such as 4 placements or 10 loans a year. Leave empty if there is no set number.",
        }
        error_messages = COMMON_ERRORS | {
            "capacity": {
                "invalid": "Enter a whole number, like 4.",
                "min_value": "Enter at least 1, or leave it empty.",
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = geography.regions()  # type: ignore[attr-defined]

    def clean_regions(self) -> list[str]:
        return list(self.cleaned_data["regions"])


class ConversationForm(forms.Form):
    """Start a conversation about a need: from one of your organisations to the other side."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Write to",
        empty_label="Choose an organisation",
        error_messages={"required": "Choose the organisation to write to."},
    )
    from_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Write as",
        empty_label="Choose your organisation",
        error_messages={"required": "Choose the organisation you are writing for."},
    )
    message = forms.CharField(
        label="Your message",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Say who you are, what you are looking for and when. They can reply to you by email.",
        error_messages={
            "required": "Write a message saying what you would like to talk about.",
            "max_length": "Keep your message to 4,000 characters or fewer (it has %(show_value)d).",
        },
    )

    def __init__(
        self, *args: Any, to: "QuerySet[Organisation]", senders: "QuerySet[Organisation]", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = to  # type: ignore[attr-defined]
        self.fields["from_organisation"].queryset = senders  # type: ignore[attr-defined]
        if len(to) == 1:
            self.fields["organisation"].initial = to[0]
        if len(senders) == 1:
            self.fields["from_organisation"].initial = senders[0]


class MetForm(forms.Form):
    """Mark a need met, with the activity or the loan it led to where there is one."""

    loan = forms.ModelChoiceField(
        queryset=Loan.objects.none(),
        label="The loan that met it",
        required=False,
        empty_label="No loan",
        help_text="Loans your organisation is part of.",
    )
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(),
        label="The activity that met it",
        required=False,
        empty_label="No activity",
        help_text="Activities in the register your organisation takes part in. A loan brings its own.",
    )
    note = forms.CharField(
        label="Anything to add",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the note to 2,000 characters or fewer."},
    )

    def __init__(self, *args: Any, need: Need, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = need.organisation
        loans = (
            Loan.objects.visible_to(user)
            .involving(organisation)
            .exclude(status__in=(LoanStatus.DRAFT, LoanStatus.DECLINED, LoanStatus.WITHDRAWN, LoanStatus.CANCELLED))
            .select_related("lender", "borrower")
            .order_by("-requested_start", "-id")
        )
        activities = Activity.objects.visible_to(user).involving(organisation).order_by("-start_date", "-id")
        # The latest few hundred: a busy national museum takes part in thousands.
        recent_loans = list(loans.values_list("pk", flat=True)[:LINK_CHOICES])
        recent_activities = list(activities.values_list("pk", flat=True)[:LINK_CHOICES])
        self.fields["loan"].queryset = loans.filter(pk__in=recent_loans)  # type: ignore[attr-defined]
        self.fields["activity"].queryset = activities.filter(pk__in=recent_activities)  # type: ignore[attr-defined]
        self.fields["loan"].label_from_instance = lambda loan: (  # type: ignore[attr-defined]
            f"{loan}, {loan.lender} to {loan.borrower}"
        )
        self.fields["activity"].label_from_instance = lambda activity: (  # type: ignore[attr-defined]
            f"{activity.title} ({activity.start_date:%-d %B %Y})"
        )


class NoteForm(forms.Form):
    """Why a need or an offer is withdrawn or reopened: a note for its history."""

    note = forms.CharField(
        label="Why",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the note to 2,000 characters or fewer."},
    )
