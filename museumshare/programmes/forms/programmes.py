"""Forms for programmes, their members, participations, evaluations, stories, mentoring and displays."""

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from museumshare.activities.forms import CountField
from museumshare.organisations.forms import OrganisationField
from museumshare.organisations.models import Organisation
from museumshare.programmes import rules
from museumshare.programmes.forms import DAY_INPUT, FieldsetRadios, date_errors, end_after_start, organisation_choice
from museumshare.programmes.models import (
    Display,
    MemberRole,
    MentoringMeeting,
    Participation,
    Programme,
)

SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]
YES_NO_CHOICES = [(True, "Yes"), (False, "No")]


def _yes_no(value: Any) -> bool | None:
    return {"True": True, "False": False, True: True, False: False}.get(value)


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
            "start_date": date_errors("the date the programme started"),
            "end_date": date_errors("the date the programme ends"),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"] = organisation_choice(
            rules.leads_for(user),
            label="Lead organisation",
            current=self.instance.lead if self.instance.pk else None,
            required_message="Choose the organisation that leads the programme.",
        )
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
        end_after_start(self, "start_date", "end_date")
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
    joined = forms.DateField(label="Date it joined", widget=DAY_INPUT, error_messages=date_errors("the date it joined"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["joined"].initial = date.today


class MemberLeaveForm(forms.Form):
    left = forms.DateField(label="Date it left", widget=DAY_INPUT, error_messages=date_errors("the date it left"))


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
            "start_date": date_errors("the date they started"),
            "end_date": date_errors("the date they finished"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        end_after_start(self, "start_date", "end_date")
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
            "start_date": date_errors("the date they started"),
            "end_date": date_errors("the date they finished"),
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
        end_after_start(self, "start_date", "end_date")
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
    start_date = forms.DateField(label="Start date", widget=DAY_INPUT, error_messages=date_errors("the date it starts"))
    end_date = forms.DateField(
        label="End date", widget=DAY_INPUT, required=False, error_messages=date_errors("the date it ends")
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
        end_after_start(self, "start_date", "end_date")
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
            "date": date_errors("the date you met"),
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
    opens = forms.DateField(label="Opening date", widget=DAY_INPUT, error_messages=date_errors("the date it opens"))
    closes = forms.DateField(
        label="Closing date", widget=DAY_INPUT, required=False, error_messages=date_errors("the date it closes")
    )
    visitors = CountField(label="Visitors", required=False, help_text="How many people saw it, if known.")

    def __init__(self, *args: Any, members: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = members  # type: ignore[attr-defined]
        self.fields["partners"].queryset = members  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        end_after_start(self, "opens", "closes", "Enter a closing date on or after the opening date.")
        return data

    def display_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in Display.FIELDS}

    def co_producers(self) -> list[Organisation]:
        host = self.cleaned_data["host"]
        return [org for org in self.cleaned_data["partners"] if org != host]
