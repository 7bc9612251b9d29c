"""Forms for returns and reporting years. They validate with the same checks as the spreadsheet and
the services (`services.clean_value`); the services write."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from museumshare.core import years
from museumshare.core.files import UploadValidator
from museumshare.organisations.models import Organisation
from museumshare.returns import services
from museumshare.returns.models import ReportingYear, ReturnValue, whole

DAY_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DEADLINE_ERRORS = {"invalid": "Enter a real date, like 30 June 2025."}
# Far more than a return could need, small enough that nobody uploads the wrong file for long.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def number(value: Any) -> str:
    """A value as people read it: 1,250 (never 1250.00); a dash for none."""
    shown = whole(value)
    return "–" if shown is None else f"{shown:,}"


def reason_name(code: str) -> str:
    return f"{code}-reason"


def note_name(code: str) -> str:
    return f"{code}-note"


class ReturnForm(forms.Form):
    """Every indicator of a return in one form: its value, the reason it differs from the register's
    and a note, named by indicator code (`placements`, `placements-reason`, `placements-note`)."""

    comments = forms.CharField(
        label="Comments on the return as a whole",
        help_text="Anything the analysts should know when they read your return.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, rows: Iterable[ReturnValue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        comments = self.fields.pop("comments")
        for row in self.rows:
            code, indicator = row.indicator.code, row.indicator
            # Each is labelled with the indicator's name, so the error summary says which one a problem is
            # about; the page labels the reason and the note as such beside them.
            self.fields[code] = forms.CharField(label=indicator.name, required=False, max_length=30)
            self.fields[reason_name(code)] = forms.CharField(label=indicator.name, required=False, max_length=1000)
            self.fields[note_name(code)] = forms.CharField(label=indicator.name, required=False, max_length=2000)
            self.initial.setdefault(code, "" if row.value is None else str(whole(row.value)))
            self.initial.setdefault(reason_name(code), row.reason)
            self.initial.setdefault(note_name(code), row.note)
        # The overall comments come last, as the page shows them.
        self.fields["comments"] = comments

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for row in self.rows:
            code, indicator = row.indicator.code, row.indicator
            try:
                value = services.clean_value(indicator, cleaned.get(code, ""))
            except ValueError as problem:
                self.add_error(code, str(problem))
                continue
            if row.derived is not None and value != row.derived and not cleaned.get(reason_name(code), "").strip():
                self.add_error(
                    reason_name(code),
                    f"Say why the value differs from the register’s ({number(row.derived)} {indicator.unit}).",
                )
        return cleaned

    def entries(self) -> dict[str, services.Entry]:
        data = self.cleaned_data
        return {
            row.indicator.code: services.Entry(
                value=data.get(row.indicator.code, ""),
                reason=data.get(reason_name(row.indicator.code), ""),
                note=data.get(note_name(row.indicator.code), ""),
            )
            for row in self.rows
        }


class SubmitForm(forms.Form):
    comment = forms.CharField(
        label="A message for the analysts",
        help_text="They see it in the return’s history.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label="A message for the organisation",
        help_text="It goes in the return’s history and the email telling its partnership leads.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label="What the organisation should change",
        help_text="Name the figures to check and why. Its partnership leads get this by email.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Say what the organisation should change."},
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="The spreadsheet",
        help_text="The spreadsheet downloaded from the return’s page, with your values in it, as an .xlsx file.",
        error_messages={"required": "Choose the spreadsheet to upload.", "empty": "The file is empty."},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError("Choose an .xlsx spreadsheet: download one from the return’s page to start from.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("The file is bigger than 5 MB: choose the return’s spreadsheet.")
        UploadValidator("return_spreadsheet")(upload)
        return upload


class OrganisationsField(forms.ModelMultipleChoiceField[Organisation]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _organisations_field() -> OrganisationsField:
    return OrganisationsField(
        queryset=Organisation.objects.none(),
        label="Organisations asked for a return",
        help_text="The national museums the Museum Partnership Report covers are ticked to start with.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one organisation to ask for a return."},
    )


def _clean_reminder_days(text: str) -> str:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not all(part.isdigit() for part in parts):
        raise ValidationError("Enter days as whole numbers separated by commas, like 14, 7, 1.")
    return ",".join(str(day) for day in sorted({int(part) for part in parts}, reverse=True))


class YearCreateForm(forms.Form):
    year = forms.CharField(
        label="Reporting year",
        help_text="Like 2025/26: it runs from 1 April to 31 March.",
        max_length=9,
        error_messages={"required": "Enter the reporting year, like 2025/26."},
    )
    deadline = forms.DateField(
        label="Deadline for returns", required=False, widget=DAY_INPUT, error_messages=DEADLINE_ERRORS
    )
    organisations = _organisations_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisations"]
        field.queryset = Organisation.objects.national_bodies().order_by("name")
        self.initial.setdefault("organisations", [o.pk for o in services.asked_by_default()])

    def clean_year(self) -> int:
        try:
            year = years.parse(self.cleaned_data["year"])
        except ValueError as problem:
            raise ValidationError(str(problem)) from None
        if ReportingYear.objects.filter(year=year).exists():
            raise ValidationError(f"{years.label(year)} is already in museumshare.")
        return year


class YearEditForm(forms.Form):
    deadline = forms.DateField(
        label="Deadline for returns", required=False, widget=DAY_INPUT, error_messages=DEADLINE_ERRORS
    )
    reminder_days = forms.CharField(
        label="Reminder days",
        help_text=(
            "Days before the deadline to email the partnership leads of returns not yet submitted, "
            "separated by commas, like 14, 7, 1. Leave empty to send none."
        ),
        required=False,
        max_length=50,
    )
    organisations = _organisations_field()

    def __init__(self, *args: Any, year: ReportingYear, **kwargs: Any) -> None:
        asked = list(year.organisations.values_list("pk", flat=True))
        kwargs.setdefault(
            "initial",
            {
                "deadline": year.deadline,
                "reminder_days": ", ".join(map(str, year.reminder_day_list())),
                "organisations": asked,
            },
        )
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisations"]
        field.queryset = Organisation.objects.filter(
            Q(pk__in=Organisation.objects.national_bodies()) | Q(pk__in=asked)
        ).order_by("name")
        if year.is_open():
            field.help_text = "An organisation you tick now gets its return at once, prefilled from the register."

    def clean_reminder_days(self) -> str:
        return _clean_reminder_days(self.cleaned_data["reminder_days"])
