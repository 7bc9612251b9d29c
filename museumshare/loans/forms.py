"""Forms for loans: they validate what the pages send; the services in `services.py` write it."""

from copy import copy
from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import Q

from museumshare.activities.forms import DATE_INPUT, CountField, SharedMatcher, reporting_year_choices
from museumshare.core import years
from museumshare.core.files import UploadValidator
from museumshare.loans.models import (
    CollectionObject,
    ConditionCheck,
    DocumentKind,
    FacilitiesReport,
    Loan,
    LoanObject,
    LoanQuerySet,
    LoansPolicy,
    Purpose,
    Stage,
    Status,
)
from museumshare.loans.services import loan_problems
from museumshare.organisations.forms import OrganisationField, OrganisationMatcher
from museumshare.organisations.models import Organisation, Venue

SIDES = {"out": "Loans out", "in": "Loans in"}


def _or_any(choices: Any) -> list[Any]:
    return [("", "Any"), *choices]


class LoanFilterForm(forms.Form, SharedMatcher):
    """The loans list's filters; every field optional, all carried in the URL."""

    side = forms.ChoiceField(required=False, choices=list(SIDES.items()), widget=forms.HiddenInput)
    status = forms.ChoiceField(required=False, choices=_or_any(Status.choices))
    purpose = forms.ChoiceField(required=False, choices=_or_any(Purpose.choices))
    year = forms.ChoiceField(label="Reporting year", required=False, help_text="Loans whose period overlaps it.")
    partner = OrganisationField(
        label="Partner organisation", required=False, help_text="The borrower of a loan out, the lender of a loan in."
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.share_matcher(OrganisationMatcher())
        self.fields["year"].choices = _or_any(reporting_year_choices())  # type: ignore[attr-defined]

    def chosen(self) -> dict[str, Any]:
        """The valid filters in use; a mistyped partner leaves the others working."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", False)}

    @property
    def chosen_side(self) -> str:
        return str(self.chosen().get("side", "out"))

    def filter(self, loans: LoanQuerySet, organisations: list[Organisation] | None) -> LoanQuerySet:
        """Loans out of (or into) `organisations`, or every loan when it is None, then the filters."""
        data = self.chosen()
        ours, theirs = ("lender", "borrower") if self.chosen_side == "out" else ("borrower", "lender")
        if organisations is not None:
            loans = loans.filter(**{f"{ours}__in": organisations})
        for name in ("status", "purpose"):
            if name in data:
                loans = loans.filter(**{name: data[name]})
        if "partner" in data:
            loans = loans.filter(**{theirs: data["partner"]})
        if "overdue" in data:
            loans = loans.overdue()
        if "year" in data:
            year = years.parse(data["year"])
            starts = Q(agreed_start__lte=years.end(year)) | Q(
                agreed_start__isnull=True, requested_start__lte=years.end(year)
            )
            ends = Q(agreed_end__gte=years.start(year)) | Q(
                agreed_end__isnull=True, requested_end__gte=years.start(year)
            )
            loans = loans.filter(starts, ends)
        return loans

    def described(self) -> list[tuple[str, str]]:
        """(label, value in words) of each filter in use."""
        found = []
        for name, value in self.chosen().items():
            if name == "side":
                continue
            field = self.fields[name]
            if isinstance(value, Organisation):
                text = value.name
            elif value is True:
                text = "yes"
            elif isinstance(field, forms.ChoiceField):
                text = str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
            else:
                text = str(value)
            found.append((str(field.label or name.title()), text))
        return found


class RequestLenderForm(forms.Form):
    lender = OrganisationField(
        label="Lender",
        help_text="The museum you want to borrow from. Start typing its name, then choose from the list.",
        error_messages={"required": "Enter the museum you want to borrow from."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A matcher of its own: the class-level field's would keep its index of the register for ever.
        self.fields["lender"].matcher = OrganisationMatcher()  # type: ignore[attr-defined]


class LoanRequestForm(forms.ModelForm[Loan]):
    """A borrower's request to one lender, for some of its lendable objects."""

    borrower = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Borrowing organisation", empty_label=None
    )
    objects = forms.ModelMultipleChoiceField(
        queryset=CollectionObject.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Objects you would like to borrow",
        error_messages={"required": "Choose at least one object to borrow."},
    )

    class Meta:
        model = Loan
        fields = [
            "venue",
            "purpose",
            "exhibition_title",
            "exhibition_start",
            "exhibition_end",
            "requested_start",
            "requested_end",
        ]
        widgets = {
            "exhibition_start": DATE_INPUT,
            "exhibition_end": DATE_INPUT,
            "requested_start": DATE_INPUT,
            "requested_end": DATE_INPUT,
        }
        labels = {
            "requested_start": "Loan to start on",
            "requested_end": "Loan to end on",
            "exhibition_start": "Exhibition opens",
            "exhibition_end": "Exhibition closes",
        }
        help_texts = {
            "requested_start": "Include time to install: usually a few weeks before the exhibition opens.",
            "venue": "Where the objects will go. Leave empty if it is your main site.",
        }
        error_messages = {
            "requested_start": {"required": "Enter the date the loan should start.", "invalid": "Enter a real date."},
            "requested_end": {"required": "Enter the date the loan should end.", "invalid": "Enter a real date."},
        }

    def __init__(
        self, *args: Any, lender: Organisation, borrowers: list[Organisation], objects: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lender = lender
        self.fields["borrower"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in borrowers]
        )
        if len(borrowers) == 1:
            self.fields["borrower"].initial = borrowers[0]
            self.fields["borrower"].widget = forms.HiddenInput()
        self.fields["objects"].queryset = objects  # type: ignore[attr-defined]
        self.fields["objects"].label_from_instance = (  # type: ignore[attr-defined]
            lambda o: f"{o.accession_number}: {o.title}" + (f" ({o.maker})" if o.maker else "")
        )
        self.fields["venue"].queryset = Venue.objects.filter(  # type: ignore[attr-defined]
            organisation__in=borrowers
        ).select_related("organisation")
        if not self.fields["venue"].queryset.exists():  # type: ignore[attr-defined]
            del self.fields["venue"]
        self.fields["requested_start"].initial = date.today() + timedelta(weeks=_notice_weeks(lender))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start = data.get("requested_start")
        if start and start < date.today():
            self.add_error("requested_start", "Enter a start date in the future.")
        borrower = data.get("borrower")
        loan = Loan(lender=self.lender, **{name: data.get(name) for name in self._meta.fields or ()})
        if borrower is not None:
            loan.borrower = borrower
        _add_problems(self, loan_problems(loan, list(data.get("objects") or ())))
        return data

    def _post_clean(self) -> None:
        # The loan is checked whole by the service, with its lender, borrower and reference.
        pass

    def loan_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in self._meta.fields or ()}
        data["venue"] = self.cleaned_data.get("venue")
        return data | {"lender": self.lender, "borrower": self.cleaned_data["borrower"]}


def _add_problems(form: forms.BaseForm, problems: dict[str, list[str]]) -> None:
    """`loan_problems` on the form: each at its field, or at the top when the form does not ask for it."""
    for name, messages in problems.items():
        form.add_error(name if name in form.fields else None, messages)


def _notice_weeks(lender: Organisation) -> int:
    policy = LoansPolicy.objects.filter(organisation=lender).first()
    return policy.notice_weeks if policy else LoansPolicy._meta.get_field("notice_weeks").default


EDIT_FIELDS = [
    "agreed_start",
    "agreed_end",
    "insurance",
    "courier_required",
    "transport_method",
    "credit_line",
    "loan_fee",
    "costs",
    "special_conditions",
    "facilities_report",
    "lender_signed_on",
    "borrower_signed_on",
    "visitors",
]


class LoanEditForm(forms.ModelForm[Loan]):
    class Meta:
        model = Loan
        fields = EDIT_FIELDS
        dates = ("agreed_start", "agreed_end", "lender_signed_on", "borrower_signed_on")
        widgets = dict.fromkeys(dates, DATE_INPUT) | {
            "costs": forms.Textarea(attrs={"rows": 3}),
            "special_conditions": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"loan_fee": "Loan fee (£)", "courier_required": "A courier travels with the objects"}
        field_classes = {"visitors": CountField}
        help_texts = {
            "facilities_report": "The borrower's reports that are still in date.",
            "credit_line": "As it should appear on labels, e.g. Lent by the National Portrait Gallery, London.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        loan = self.instance
        on = loan.agreed_start or loan.requested_start or date.today()
        in_date = FacilitiesReport.objects.filter(organisation=loan.borrower_id, review_date__gte=on)
        if loan.facilities_report_id:
            in_date = in_date | FacilitiesReport.objects.filter(pk=loan.facilities_report_id)
        self.fields["facilities_report"].queryset = in_date.select_related(  # type: ignore[attr-defined]
            "venue__organisation", "organisation"
        )
        self.fields["facilities_report"].empty_label = "None yet"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        loan = copy(self.instance)
        for name in EDIT_FIELDS:
            if name in data:
                setattr(loan, name, data[name])
        _add_problems(self, loan_problems(loan))
        return data

    def _post_clean(self) -> None:
        pass  # The service checks the loan whole before it saves.

    def loan_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDIT_FIELDS}


class StepForm(forms.Form):
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConditionCheckForm(forms.ModelForm[ConditionCheck]):
    loan_object = forms.ModelChoiceField(queryset=LoanObject.objects.none(), label="Object", empty_label=None)

    class Meta:
        model = ConditionCheck
        fields = ["stage", "checked_on", "condition", "changed"]
        widgets = {"checked_on": DATE_INPUT, "condition": forms.Textarea(attrs={"rows": 4})}
        labels = {"checked_on": "Checked on"}
        error_messages = {"condition": {"required": "Describe the condition: ‘Stable’, or what has changed."}}

    def __init__(self, *args: Any, loan: Loan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["loan_object"].queryset = loan.loan_objects.select_related("object")  # type: ignore[attr-defined]
        self.fields["stage"].choices = Stage.choices  # type: ignore[attr-defined]
        self.fields["checked_on"].initial = date.today
        self.order_fields(["loan_object", "stage"])

    def _post_clean(self) -> None:
        pass


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of document", choices=DocumentKind.choices)
    title = forms.CharField(max_length=200, error_messages={"required": "Give the document a title."})
    file = forms.FileField(
        help_text="A PDF, an image (PNG, JPEG, GIF or WebP) or an office document, up to 20 MB.",
        error_messages={"required": "Choose the file to upload."},
        validators=[UploadValidator("loan_document")],
    )


OBJECT_FIELDS = [
    "accession_number",
    "title",
    "object_name",
    "maker",
    "date_made",
    "materials",
    "dimensions",
    "valuation",
    "current_location",
    "lendable",
]


class CollectionObjectForm(forms.ModelForm[CollectionObject]):
    class Meta:
        model = CollectionObject
        fields = OBJECT_FIELDS
        labels = {"valuation": "Valuation (£)"}
        error_messages = {
            "accession_number": {"required": "Enter the object's accession number."},
            "title": {"required": "Enter the object's title."},
        }


class LoansPolicyForm(forms.ModelForm[LoansPolicy]):
    class Meta:
        model = LoansPolicy
        fields = ["notice_weeks", "minimum_months", "maximum_months", "not_lent", "costs", "contact"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("not_lent", "costs", "contact")}


class RenewalForm(forms.Form):
    until = forms.DateField(
        label="Keep the objects until",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Enter the date you would like to keep the objects until."},
    )
