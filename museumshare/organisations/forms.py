import difflib
import re
from typing import Any

from django import forms

from museumshare.core import geography
from museumshare.core.text import fold
from museumshare.organisations.models import Accreditation, Contact, Governance, Kind, Nation, Organisation, Size

SORTS = {
    "name": ("name", "Name (A to Z)"),
    "-name": ("-name", "Name (Z to A)"),
    "town": ("town", "Town"),
    "nation": ("nation", "Nation"),
    "-opened": ("-year_opened", "Newest first"),
}
SUBJECT_AREAS = [
    "Archaeology", "Arts", "Belief_and_identity", "Buildings", "Communications", "Food_and_drink",
    "Industry_and_manufacture", "Leisure_and_sport", "Local_Histories", "Medicine_and_health",
    "Mixed", "Natural_world", "Other", "Personality", "Rural_Industry", "Science_and_technology",
    "Sea_and_seafaring", "Services", "Transport", "Utilities", "War_and_conflict",
]  # fmt: skip


def _any(choices: list[tuple[str, str]], label: str = "Any") -> list[tuple[str, str]]:
    return [("", label), *choices]


class DirectoryFilterForm(forms.Form):
    """The directory's search and filters; every field optional, all carried in the URL."""

    q = forms.CharField(label="Name or town", required=False)
    nation = forms.ChoiceField(required=False, choices=_any(Nation.choices))
    region = forms.ChoiceField(required=False)
    local_authority = forms.ChoiceField(label="Local authority", required=False)
    kind = forms.ChoiceField(label="Type", required=False, choices=_any(Kind.choices))
    governance = forms.ChoiceField(required=False, choices=_any(Governance.choices))
    accreditation = forms.ChoiceField(required=False, choices=_any(Accreditation.choices))
    size = forms.ChoiceField(required=False, choices=_any(Size.choices))
    subject = forms.ChoiceField(required=False, choices=_any([(s, s.replace("_", " ")) for s in SUBJECT_AREAS]))
    national = forms.BooleanField(label="National museums only", required=False)
    status = forms.ChoiceField(
        label="Open or closed",
        required=False,
        choices=[("", "Open and closed"), ("open", "Open"), ("closed", "Closed")],
    )
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=[(key, label) for key, (_, label) in SORTS.items()]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _any(geography.regions())  # type: ignore[attr-defined]
        self.fields["local_authority"].choices = _any(  # type: ignore[attr-defined]
            [(d.code, d.name) for d in geography.districts()]
        )

    def filter(self, qs: Any) -> Any:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            qs = qs.search(data["q"])
        for name, lookup in (
            ("nation", "nation"),
            ("region", "region_code"),
            ("local_authority", "district_code"),
            ("kind", "kind"),
            ("governance", "governance"),
            ("accreditation", "accreditation"),
            ("size", "size"),
        ):
            if data.get(name):
                qs = qs.filter(**{lookup: data[name]})
        if data.get("subject"):
            qs = qs.filter(subject__startswith=data["subject"])
        if data.get("national"):
            qs = qs.filter(is_national=True)
        if data.get("status") == "open":
            qs = qs.filter(year_closed__isnull=True)
        elif data.get("status") == "closed":
            qs = qs.filter(year_closed__isnull=False)
        return qs.order_by(SORTS.get(data.get("sort") or "name", SORTS["name"])[0], "id")

    def active_filters(self) -> list[tuple[str, str]]:
        """(field label, chosen value's label) of each filter in use, for the results summary."""
        if not self.is_valid():
            return []
        chosen = []
        for name, value in self.cleaned_data.items():
            if not value or name in ("sort",):
                continue
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):
                value = dict(field.choices).get(value, value)  # type: ignore[arg-type]
            elif value is True:
                value = "yes"
            chosen.append((str(field.label or name.title()), str(value)))
        return chosen


class OfferForm(forms.ModelForm[Organisation]):
    website = forms.URLField(
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="The full address, starting https://",
        error_messages={"invalid": "Enter a full web address, like https://www.museum.org.uk/"},
    )

    class Meta:
        model = Organisation
        fields = list(Organisation.OFFER_FIELDS)
        labels = {"description": "About the organisation"}
        help_texts = {
            "offers_loans": "What you lend, and to whom: subjects, object types, long or short loans.",
            "offers_programmes": "Placements, mentoring, internships, training and networks you run.",
            "offers_expertise": "Advice and skills your staff can share.",
            "how_to_start": "The first step for a museum that wants to work with you.",
        }
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in Organisation.OFFER_FIELDS if name != "website"}


class ContactForm(forms.ModelForm[Contact]):
    class Meta:
        model = Contact
        fields = list(Contact.FIELDS)
        error_messages = {
            "name": {"required": "Enter the contact's name."},
            "role": {"required": "Enter the contact's role, for example Head of Partnerships."},
            "email": {"invalid": "Enter an email address like name@museum.org.uk."},
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone") and not self.errors:
            self.add_error("email", "Enter an email address or a phone number, so people can get in touch.")
        return data


class OrganisationMatcher:
    """Finds an organisation from what a person typed or a spreadsheet says.

    Accepts the label the type-ahead offers ("Laing Art Gallery, Newcastle upon Tyne
    [laing-art-gallery]"), a slug, a register id such as mm.domus.NE026, or an exact name
    (ignoring case and accents) that only one organisation has. Loads the register's names once,
    so one matcher serves a whole form or a whole import.
    """

    def __init__(self) -> None:
        self._by_key: dict[str, list[int]] | None = None
        self._names: dict[str, str] = {}
        self._found: dict[int, Organisation] = {}

    def _index(self) -> dict[str, list[int]]:
        if self._by_key is None:
            self._by_key = {}
            rows = Organisation.objects.values_list("pk", "name", "slug", "external_id", "aliases")
            for pk, name, slug, external_id, aliases in rows.iterator(chunk_size=2000):
                keys = {f"slug:{slug}", fold(name), *(fold(a) for a in aliases.splitlines() if a.strip())}
                if external_id:
                    keys.add(f"id:{external_id.lower()}")
                for key in keys:
                    self._by_key.setdefault(key, []).append(pk)
                self._names[fold(name)] = name
        return self._by_key

    def find(self, text: str) -> Organisation:
        """The one organisation `text` names; ValidationError saying why not, with near misses."""
        text = text.strip()
        index = self._index()
        match = re.search(r"\[([^\]]+)\]\s*$", text)
        for key in ([f"slug:{match.group(1)}"] if match else []) + [
            f"slug:{text}",
            f"id:{text.lower()}",
            fold(text),
        ]:
            pks = index.get(key, [])
            if len(pks) == 1:
                return self._organisation(pks[0])
            if len(pks) > 1:
                raise forms.ValidationError(
                    f"{len(pks)} organisations are called '{text}'. Choose one from the list, or give its id."
                )
        near = difflib.get_close_matches(fold(text), self._names, n=3, cutoff=0.75)
        hint = f" Did you mean {' or '.join(repr(self._names[n]) for n in near)}?" if near else ""
        raise forms.ValidationError(f"No organisation is called '{text}'.{hint}")

    def load_all(self) -> None:
        """Fetch every organisation now, in one query, for an import that names hundreds of them."""
        self._found = Organisation.objects.in_bulk()

    def _organisation(self, pk: int) -> Organisation:
        # One query per organisation, however many rows of an import name it.
        if pk not in self._found:
            self._found[pk] = Organisation.objects.get(pk=pk)
        return self._found[pk]


def organisation_label(organisation: Organisation) -> str:
    """What the type-ahead offers and OrganisationMatcher reads back."""
    place = organisation.town or organisation.district_name or organisation.country.name
    return (
        f"{organisation.name}, {place} [{organisation.slug}]" if place else f"{organisation.name} [{organisation.slug}]"
    )


class OrganisationField(forms.CharField):
    """A text box that takes an organisation's name, id or type-ahead label and gives the organisation."""

    def __init__(self, *args: Any, matcher: OrganisationMatcher | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 300)
        super().__init__(*args, **kwargs)
        self.shares_matcher = matcher is not None
        self.matcher = matcher or OrganisationMatcher()
        self.widget.attrs.update(
            {"autocomplete": "off", "list": "organisation-options", "class": "organisation-picker"}
        )

    def __deepcopy__(self, memo: dict[int, Any]) -> "OrganisationField":
        # Each form gets its fields by copying its class's; a matcher made with the class would
        # otherwise serve every form for the life of the process, blind to organisations added since.
        copied: OrganisationField = super().__deepcopy__(memo)  # type: ignore[misc]
        if not self.shares_matcher:
            copied.matcher = OrganisationMatcher()
        return copied

    def prepare_value(self, value: Any) -> Any:
        return organisation_label(value) if isinstance(value, Organisation) else value

    def clean(self, value: Any) -> Organisation | None:
        text = super().clean(value)
        if not text:
            return None
        return self.matcher.find(text)
