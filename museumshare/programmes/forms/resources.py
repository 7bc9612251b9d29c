"""Forms for the knowledge-exchange library."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from museumshare.core.files import MB, RULES
from museumshare.programmes import rules
from museumshare.programmes.forms import DAY_INPUT, organisation_choice, programmes_for
from museumshare.programmes.models import (
    Programme,
    Resource,
    ResourceKind,
    SkillsArea,
)

RESOURCE_FILE_MAX_MB = RULES["programme_resource"].max_bytes // MB
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
        widgets = {"description": forms.Textarea(attrs={"rows": 5}), "published": DAY_INPUT}
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
            "file": f"A PDF, an image or an office document of up to {RESOURCE_FILE_MAX_MB} MB. "
            "For a film, give its web address instead.",
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
        self.fields["organisation"] = organisation_choice(
            rules.hosts_for(user),
            label="Made by",
            current=current,
            required=False,
            empty_label="Not given",
            help_text="The organisation that made it.",
        )
        programme = self.fields["programme"]
        programme.queryset = programmes_for(  # type: ignore[attr-defined]
            user, self.instance.programme, members_too=True
        )
        programme.empty_label = "Not part of a programme"  # type: ignore[attr-defined]
        programme.help_text = "Programmes you manage or your museum belongs to."
        self.fields["skills_area"].choices = [("", "None in particular"), *SkillsArea.choices]  # type: ignore[attr-defined]
        self.fields["file"].widget.clear_checkbox_label = "Remove the file"
        self.order_fields(RESOURCE_FIELD_ORDER)

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
