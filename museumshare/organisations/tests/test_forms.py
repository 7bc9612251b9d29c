from django import forms

from museumshare.organisations.forms import OrganisationField, organisation_label
from museumshare.organisations.models import Organisation


class JoiningForm(forms.Form):
    organisation = OrganisationField(label="Organisation")


def test_a_form_class_finds_organisations_added_after_an_earlier_form_was_used(
    register: dict[str, Organisation],
) -> None:
    laing = register["mm.domus.NE026"]
    assert JoiningForm({"organisation": organisation_label(laing)}).is_valid()
    newcomer = Organisation.objects.create(name="Hay Castle Trust", slug="hay-castle-trust", town="Hay-on-Wye")

    form = JoiningForm({"organisation": organisation_label(newcomer)})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["organisation"] == newcomer
