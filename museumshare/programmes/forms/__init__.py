"""Forms for programmes, opportunities, applications, events and resources: a module for the pages
of each views module, and here what they share. They validate; the services write."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from museumshare.organisations.forms import OrganisationField
from museumshare.organisations.models import Organisation
from museumshare.programmes import rules
from museumshare.programmes.models import Programme

DAY_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FieldsetRadios(forms.RadioSelect):
    """Radio buttons whose error-summary link goes to the first button (Django links to none)."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


def date_errors(what: str) -> dict[str, str]:
    return {"required": f"Enter {what}.", "invalid": "Enter a real date, like 1 April 2020."}


def end_after_start(
    form: forms.BaseForm, start: str, end: str, message: str = "Enter an end date on or after the start date."
) -> None:
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, message)


def organisation_choice(
    choices: QuerySet[Organisation] | None,
    *,
    label: str,
    current: Organisation | None,
    required: bool = True,
    empty_label: str = "Choose an organisation",
    help_text: str = "",
    required_message: str = "",
) -> forms.Field:
    """A field to choose one of `choices` (as `rules.hosts_for` gives them), or, when they are None
    (an administrator, who may choose any organisation), to type any name. The organisation already
    chosen (`current`) stays a choice, so an edit never loses it."""
    field: forms.Field
    if choices is None:
        field = OrganisationField(
            label=label,
            required=required,
            help_text=" ".join(filter(None, [help_text, "Start typing a name, then choose from the list."])),
        )
    else:
        if current is not None:
            choices = Organisation.objects.filter(Q(pk__in=choices.values("pk")) | Q(pk=current.pk))
        choices = choices.order_by("name")
        field = forms.ModelChoiceField(
            queryset=choices, label=label, required=required, empty_label=empty_label, help_text=help_text
        )
        if current is None and required and len(choices) == 1:
            field.initial = choices[0]
    if current is not None:
        field.initial = current
    if required_message:
        field.error_messages["required"] = required_message
    return field


def programmes_for(user: Any, current: Programme | None = None, *, members_too: bool = False) -> QuerySet[Programme]:
    """The programmes `user` manages (with `members_too`, also those their museum belongs to), and
    `current`, the one already chosen, so an edit never loses it."""
    ids = {
        programme.pk
        for programme in Programme.objects.select_related("lead")
        if rules.manages_programme(user, programme) or (members_too and rules.belongs_to_programme(user, programme))
    }
    if current is not None:
        ids.add(current.pk)
    return Programme.objects.filter(pk__in=ids).order_by("name")
