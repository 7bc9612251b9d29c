"""What the API reads and writes, field by field.

Output serializers only present records. Input serializers check types for the schema, then
validate with the same forms the web pages use (ActivityForm, OfferForm), so a record is
accepted or refused for the same reasons however it arrives. Nothing here saves: the views
call the services.
"""

from decimal import Decimal
from itertools import groupby
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from museumshare.activities.forms import ActivityForm, PartnerRowForm, PlaceRowForm
from museumshare.activities.models import Activity, Network, Partner, PartnerRole, Place
from museumshare.activities.models import Kind as ActivityKind
from museumshare.activities.services import PartnerSpec, PlaceSpec
from museumshare.api.inputs import StrictInput
from museumshare.api.permissions import require_may_host
from museumshare.atlas.aggregate import LEVELS, MEASURES, Filters
from museumshare.core import years
from museumshare.loans import procedure
from museumshare.loans.models import CollectionObject, FacilitiesReport, Loan, LoanEvent, LoanObject
from museumshare.loans.models import Status as LoanStatus
from museumshare.loans.services import loan_problems, may_see_valuations
from museumshare.organisations.forms import OfferForm, OrganisationField, OrganisationMatcher
from museumshare.organisations.models import Organisation, Venue
from museumshare.programmes.forms.opportunities import ApplicationForm, OpportunityForm
from museumshare.programmes.models import (
    Action,
    Application,
    Event,
    Opportunity,
    Programme,
    ProgrammeMember,
    Resource,
)
from museumshare.reports.models import ReportVersion
from museumshare.returns.models import (
    Indicator,
    ReportingYear,
    Return,
    ReturnEvent,
    ReturnStatus,
    ReturnValue,
)

# The largest id a database will look up; bigger numbers are refused before they reach it.
MAX_ID = 2**63 - 1
MAX_COUNT = 2**31 - 1


def always_present(fields: list[str]) -> dict[str, dict[str, Any]]:
    """Meta.extra_kwargs of an output serializer, so that the schema marks every field required.

    Every field is in every answer. read_only_fields would say so too, but would drop that a
    field may be blank, and the schema would refuse the "" an empty choice or address is.
    """
    return {name: {"required": True} for name in fields}


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text="What went wrong, in words.")


class ValidationErrorSerializer(ErrorSerializer):
    # A field, not the property: DRF's metaclass takes declared fields off the class.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=(
            "The problems with each field, keyed by its path: title, partners.0.organisation. "
            "Problems with the record as a whole are under non_field_errors."
        ),
    )


class OrganisationRefSerializer(serializers.ModelSerializer[Organisation]):
    url = serializers.HyperlinkedIdentityField(view_name="api:organisation-detail")

    class Meta:
        model = Organisation
        fields = ["id", "url", "name", "slug"]
        extra_kwargs = always_present(fields)


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    url = serializers.HyperlinkedIdentityField(view_name="api:organisation-detail")
    web_url = serializers.SerializerMethodField(help_text="The organisation's page on the website.")
    country = serializers.CharField(source="country.code", help_text="ISO 3166 country code.")
    national_group = OrganisationRefSerializer(allow_null=True, help_text="The national body it is a site of.")

    class Meta:
        model = Organisation
        fields = [
            "id",
            "url",
            "web_url",
            "name",
            "slug",
            "kind",
            "governance",
            "is_national",
            "national_group",
            "accreditation",
            "size",
            "subject",
            "year_opened",
            "year_closed",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "latitude",
            "longitude",
            "country",
            "nation",
            "region_code",
            "region_name",
            "upper_tier_code",
            "upper_tier_name",
            "district_code",
            "district_name",
            *Organisation.OFFER_FIELDS,
            "updated_at",
        ]
        extra_kwargs = always_present(fields)

    def get_web_url(self, organisation: Organisation) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(organisation.get_absolute_url())


class OfferInputSerializer(StrictInput, serializers.ModelSerializer[Organisation]):
    """The profile and offer of an organisation; every field optional, only those sent change."""

    # Checked by OfferForm, which takes www.museum.org.uk as https://www.museum.org.uk as the web page does.
    website = serializers.CharField(max_length=300, allow_blank=True, required=False)

    class Meta:
        model = Organisation
        fields = list(Organisation.OFFER_FIELDS)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        organisation = self.instance
        assert isinstance(organisation, Organisation)
        current = {name: getattr(organisation, name) for name in Organisation.OFFER_FIELDS}
        # A fresh copy: a ModelForm writes the values it cleans onto its instance.
        form = OfferForm(current | attrs, instance=Organisation.objects.get(pk=organisation.pk))
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return {name: form.cleaned_data[name] for name in attrs}


class PartnerSerializer(serializers.ModelSerializer[Partner]):
    organisation = serializers.IntegerField(source="organisation_id", help_text="The organisation's id.")
    name = serializers.CharField(source="organisation.name")

    class Meta:
        model = Partner
        fields = ["organisation", "name", "role", "visitors", "participants"]
        extra_kwargs = always_present(fields)


class PlaceSerializer(serializers.ModelSerializer[Place]):
    organisation = serializers.IntegerField(
        source="organisation_id", allow_null=True, help_text="The organisation's id, when it was at one."
    )
    country = serializers.CharField(source="country.code", help_text="ISO 3166 country code.")

    class Meta:
        model = Place
        fields = [
            "name",
            "organisation",
            "district_code",
            "district_name",
            "region_code",
            "region_name",
            "nation",
            "country",
        ]
        extra_kwargs = always_present(fields)


class ActivitySerializer(serializers.ModelSerializer[Activity]):
    url = serializers.HyperlinkedIdentityField(view_name="api:activity-detail")
    area = serializers.CharField(help_text="The area of the Museum Partnership Report its kind falls in.")
    lead = OrganisationRefSerializer()
    reporting_years = serializers.ListField(
        child=serializers.CharField(), help_text="The reporting years it overlaps, such as 2020/21."
    )
    partners = PartnerSerializer(many=True, help_text="Every organisation involved, the lead included.")
    places = PlaceSerializer(many=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "url",
            *Activity.FIELDS,
            "area",
            "reporting_years",
            "partners",
            "places",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = always_present(fields)


class MembershipYearSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(help_text="The reporting year it starts in: 2020 for 2020/21.")
    year_label = serializers.CharField(help_text="The reporting year as people write it: 2020/21.")
    organisations = OrganisationRefSerializer(many=True)


class NetworkSerializer(serializers.ModelSerializer[Network]):
    url = serializers.HyperlinkedIdentityField(view_name="api:network-detail")
    coordinator = OrganisationRefSerializer(allow_null=True)
    memberships = serializers.SerializerMethodField(help_text="Its members in each reporting year, latest first.")

    class Meta:
        model = Network
        fields = ["id", "url", "name", "kind", "description", "website", "coordinator", "memberships"]
        extra_kwargs = always_present(fields)

    @extend_schema_field(MembershipYearSerializer(many=True))
    def get_memberships(self, network: Network) -> list[dict[str, Any]]:
        # Ordered by year, latest first, by the model; prefetched with their organisations by the view.
        by_year = groupby(network.memberships.all(), key=lambda membership: membership.year)
        rows = [
            {"year": year, "year_label": years.label(year), "organisations": [m.organisation for m in members]}
            for year, members in by_year
        ]
        return MembershipYearSerializer(rows, many=True, context=self.context).data  # type: ignore[return-value]


class OrganisationsById(OrganisationMatcher):
    """The forms read organisations from text; the API names them by id, so this matcher reads ids."""

    def find(self, text: str) -> Organisation:
        text = text.strip()
        organisation = Organisation.objects.filter(pk=int(text)).first() if text.isdigit() else None
        if organisation is None:
            raise forms.ValidationError(f"There is no organisation with the id {text}.")
        return organisation


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    """A form's errors as DRF words them: by field, with whole-form errors as non_field_errors."""
    return {
        "non_field_errors" if name == NON_FIELD_ERRORS else name: [str(message) for message in messages]
        for name, messages in form.errors.items()
    }


class PartnerInputSerializer(StrictInput, serializers.Serializer[Any]):
    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The organisation's id.")
    role = serializers.ChoiceField(
        choices=[choice for choice in PartnerRole.choices if choice[0] != PartnerRole.LEAD],
        default=PartnerRole.PARTNER,
    )


class PlaceInputSerializer(StrictInput, serializers.Serializer[Any]):
    """Exactly one of the three."""

    organisation = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="An organisation's id: at its site."
    )
    local_authority = serializers.CharField(
        required=False, help_text="An ONS local authority district code, such as E08000021."
    )
    country = serializers.CharField(required=False, help_text="ISO 3166 code of a country outside the UK, such as FR.")


class ActivityInputSerializer(StrictInput, serializers.ModelSerializer[Activity]):
    """An activity as a client sends it; with PATCH, only the fields sent change.

    `partners` and `places`, when sent, replace the lists; when left out, they stay as they are.
    """

    lead = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Id of the lead organisation; you must be an editor there."
    )
    partners: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=PartnerInputSerializer(),
        required=False,
        max_length=200,
        help_text="The organisations working with the lead.",
    )
    places: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=PlaceInputSerializer(), required=False, max_length=200, help_text="Where it happened."
    )

    class Meta:
        model = Activity
        fields = [*Activity.FIELDS, "partners", "places"]
        # The same bound on every database (PostgreSQL's integer), so the schema does not vary.
        extra_kwargs = {name: {"max_value": MAX_COUNT} for name in ("visitors", "participants", "objects_count")}

    def to_representation(self, instance: Activity) -> dict[str, Any]:
        """The activity as a client would send it back: the browsable API's forms start from this."""
        data = {
            name: None if value is None else self.fields[name].to_representation(value)
            for name, value in ((name, getattr(instance, _attname(name))) for name in Activity.FIELDS)
        }
        data["partners"] = [
            {"organisation": partner.organisation_id, "role": partner.role}
            for partner in instance.partners.all()
            if partner.role != PartnerRole.LEAD
        ]
        data["places"] = [
            {"organisation": place.organisation_id}
            if place.organisation_id
            else {"local_authority": place.district_code}
            if place.district_code
            else {"country": place.country.code}
            for place in instance.places.all()
        ]
        return data

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Validate with ActivityForm and the partner and place row forms, as the web page does.

        Returns the activity's data, partners and places ready for the services (None for a
        list that was not sent).
        """
        matcher = OrganisationsById()
        instance = self.instance if isinstance(self.instance, Activity) else None
        form = ActivityForm(
            _activity_form_data(attrs, instance),
            # A fresh copy: a ModelForm writes the values it cleans onto its instance.
            instance=Activity.objects.get(pk=instance.pk) if instance else None,
            matcher=matcher,
        )
        errors: dict[str, Any] = {} if form.is_valid() else form_errors(form)
        partners: list[PartnerSpec] | None = None
        places: list[PlaceSpec] | None = None
        if "partners" in attrs:
            partners, row_errors = _partner_specs(attrs["partners"], matcher)
            if any(row_errors):
                errors["partners"] = row_errors
        if "places" in attrs:
            places, row_errors = _place_specs(attrs["places"], matcher)
            if any(row_errors):
                errors["places"] = row_errors
        if errors:
            raise serializers.ValidationError(errors)
        data = form.activity_data()
        if instance is not None:
            # Only what was sent changes, so the audit log records only that.
            data = {name: value for name, value in data.items() if name in attrs}
        return {"data": data, "partners": partners, "places": places}


def _attname(name: str) -> str:
    """Where the model keeps a field's value: lead_id for lead."""
    field = Activity._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.attname


def _activity_form_data(attrs: dict[str, Any], instance: Activity | None) -> dict[str, Any]:
    """What ActivityForm gets: the values sent over the activity's current ones (or the defaults)."""
    data: dict[str, Any] = {}
    for name in Activity.FIELDS:
        if name in attrs:
            value = attrs[name]
        elif instance is not None:
            value = getattr(instance, _attname(name))
        else:
            field = Activity._meta.get_field(name)
            assert isinstance(field, models.Field)
            value = field.get_default()
        data[name] = "" if value is None else value
    data["lead"] = str(data["lead"])
    return data


def _partner_specs(rows: list[dict[str, Any]], matcher: OrganisationMatcher) -> tuple[list[PartnerSpec], list[Any]]:
    specs: list[PartnerSpec] = []
    errors: list[Any] = []
    for row in rows:
        # With PATCH, DRF neither requires a nested field nor gives its default: a row is whole still.
        if "organisation" not in row:
            errors.append({"organisation": ["This field is required."]})
            continue
        data = {"organisation": str(row["organisation"]), "role": row.get("role", PartnerRole.PARTNER)}
        form = PartnerRowForm(data, matcher=matcher)
        if form.is_valid():
            specs.append((form.cleaned_data["organisation"], form.cleaned_data["role"]))
        errors.append(form_errors(form))
    return specs, errors


def _place_specs(rows: list[dict[str, Any]], matcher: OrganisationMatcher) -> tuple[list[PlaceSpec], list[Any]]:
    specs: list[PlaceSpec] = []
    errors: list[Any] = []
    for row in rows:
        form = PlaceRowForm(
            {name: str(row.get(name, "")) for name in ("organisation", "local_authority", "country")},
            matcher=matcher,
        )
        spec = form.spec() if form.is_valid() else None
        if spec is not None:
            specs.append(spec)
            errors.append({})
        elif form.errors:
            errors.append(form_errors(form))
        else:
            errors.append({"non_field_errors": ["Give an organisation, a local authority or a country."]})
    return specs, errors


# Loans. Objects' valuations are for the lender's own people: `may_see_valuations` decides, and
# everyone else gets null. The context's "request" says who is asking.

LOAN_DETAIL_FIELDS = [
    "reference",
    "purpose",
    "exhibition_title",
    "exhibition_start",
    "exhibition_end",
    "requested_start",
    "requested_end",
    "agreed_start",
    "agreed_end",
    "insurance",
    "courier_required",
    "transport_method",
    "credit_line",
    "loan_fee",
    "costs",
    "special_conditions",
    "visitors",
    "lender_signed_on",
    "borrower_signed_on",
]


class LoanObjectSerializer(serializers.ModelSerializer[LoanObject]):
    object = serializers.IntegerField(source="object_id", help_text="The collection object's id.")
    accession_number = serializers.CharField(source="object.accession_number")
    title = serializers.CharField(source="object.title")
    valuation = serializers.SerializerMethodField(
        help_text="Only people at the lender (and administrators) see it; null for everyone else."
    )

    class Meta:
        model = LoanObject
        fields = [
            "object",
            "accession_number",
            "title",
            "valuation",
            "condition",
            "lux",
            "relative_humidity",
            "temperature",
        ]
        extra_kwargs = always_present(fields)

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True))
    def get_valuation(self, loan_object: LoanObject) -> str | None:
        if loan_object.valuation is None or not self.context.get("sees_valuations"):
            return None
        return f"{loan_object.valuation:.2f}"


class LoanEventSerializer(serializers.ModelSerializer[LoanEvent]):
    class Meta:
        model = LoanEvent
        fields = ["status", "at", "note"]
        extra_kwargs = always_present(fields)


class LoanStepSerializer(serializers.Serializer[Any]):
    to = serializers.ChoiceField(choices=LoanStatus.choices, help_text="The status the step leads to.")
    by = serializers.ChoiceField(choices=["lender", "borrower"], help_text="The side that takes it.")
    title = serializers.CharField(help_text="What the step is, in words: Approve the loan.")


class LoanSerializer(serializers.ModelSerializer[Loan]):
    url = serializers.HyperlinkedIdentityField(view_name="api:loan-detail")
    lender = OrganisationRefSerializer()
    borrower = OrganisationRefSerializer()
    venue = serializers.IntegerField(source="venue_id", allow_null=True, help_text="The venue's id, if any.")
    facilities_report = serializers.IntegerField(
        source="facilities_report_id", allow_null=True, help_text="The facilities report's id, if any."
    )
    activity = serializers.IntegerField(
        source="activity_id", allow_null=True, help_text="Its activity in the register, once approved."
    )
    overdue = serializers.SerializerMethodField(help_text="Past the agreed end with the objects still away.")
    objects = serializers.SerializerMethodField(
        help_text="The objects lent, with their valuations if you may see them."
    )
    events = LoanEventSerializer(many=True, help_text="Its status history, oldest first.")
    next_steps = serializers.SerializerMethodField(help_text="The steps of the procedure that may follow.")

    class Meta:
        model = Loan
        fields = [
            "id",
            "url",
            "lender",
            "borrower",
            "status",
            *LOAN_DETAIL_FIELDS,
            "venue",
            "facilities_report",
            "activity",
            "overdue",
            "objects",
            "events",
            "next_steps",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = always_present(fields)

    def get_overdue(self, loan: Loan) -> bool:
        return loan.is_overdue()

    @extend_schema_field(LoanObjectSerializer(many=True))
    def get_objects(self, loan: Loan) -> Any:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        sees = user is not None and may_see_valuations(user, loan.lender)
        return LoanObjectSerializer(
            loan.loan_objects.all(), many=True, context=self.context | {"sees_valuations": sees}
        ).data

    @extend_schema_field(LoanStepSerializer(many=True))
    def get_next_steps(self, loan: Loan) -> Any:
        steps = [{"to": s.to.value, "by": s.by, "title": s.label} for s in procedure.steps_from(loan.status)]
        return LoanStepSerializer(steps, many=True).data


def _by_id(model: type[models.Model], pk: int | None, what: str) -> Any:
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError(f"There is no {what} with the id {pk}.")
    return found


class LoanDetailsInputSerializer(StrictInput, serializers.ModelSerializer[Loan]):
    """A loan's details as a client sends them; with PATCH, only the fields sent change."""

    venue = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, allow_null=True, required=False, help_text="A venue's id."
    )
    facilities_report = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, allow_null=True, required=False, help_text="A facilities report's id."
    )

    class Meta:
        model = Loan
        fields = [*LOAN_DETAIL_FIELDS, "venue", "facilities_report"]
        extra_kwargs = {"visitors": {"max_value": MAX_COUNT}}
        # Uniqueness of the reference is the model's check, made by the service.
        validators: list[Any] = []

    def validate_venue(self, value: int | None) -> Venue | None:
        return _by_id(Venue, value, "venue")  # type: ignore[no-any-return]

    def validate_facilities_report(self, value: int | None) -> FacilitiesReport | None:
        return _by_id(FacilitiesReport, value, "facilities report")  # type: ignore[no-any-return]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        def value(name: str) -> Any:
            return attrs[name] if name in attrs else getattr(self.instance, name, None)

        errors = {}
        for start, end in (
            ("requested_start", "requested_end"),
            ("agreed_start", "agreed_end"),
            ("exhibition_start", "exhibition_end"),
        ):
            if value(start) and value(end) and value(end) < value(start):
                errors[end] = ["Enter a date on or after the start date."]
        lender, borrower = value("lender"), value("borrower")
        errors |= loan_problems(
            lender_id=lender.pk if lender else None,
            borrower_id=borrower.pk if borrower else None,
            venue=attrs.get("venue"),
            facilities_report=attrs.get("facilities_report"),
            objects=attrs.get("objects", ()),
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class LoanCreateInputSerializer(LoanDetailsInputSerializer):
    """A borrower's request: drafted, for objects of the lender."""

    lender = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The lending organisation's id.")
    borrower = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The borrowing organisation's id; you must be an editor there."
    )
    objects = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=500,
        help_text="Ids of the lender's collection objects to borrow.",
    )

    class Meta(LoanDetailsInputSerializer.Meta):
        fields = ["lender", "borrower", *LoanDetailsInputSerializer.Meta.fields, "objects"]

    def validate_lender(self, value: int) -> Organisation:
        return _by_id(Organisation, value, "organisation")  # type: ignore[no-any-return]

    def validate_borrower(self, value: int) -> Organisation:
        return _by_id(Organisation, value, "organisation")  # type: ignore[no-any-return]

    def validate_objects(self, value: list[int]) -> list[CollectionObject]:
        found = CollectionObject.objects.in_bulk(set(value))
        missing = sorted({pk for pk in value if pk not in found})
        if missing:
            # The words `loan_problems` uses for an object that is not the lender's: ids only, and no
            # telling an object that does not exist from one the requester may not borrow.
            raise serializers.ValidationError(f"Object {', '.join(map(str, missing))} is not available.")
        return [found[pk] for pk in dict.fromkeys(value)]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if attrs["lender"] == attrs["borrower"]:
            raise serializers.ValidationError({"borrower": ["An organisation cannot borrow from itself."]})
        return attrs


class LoanTransitionInputSerializer(StrictInput, serializers.Serializer[Any]):
    to = serializers.ChoiceField(choices=LoanStatus.choices, help_text="The status the step leads to.")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000, help_text="Why; required to decline or cancel."
    )


# Programmes, opportunities, events and the knowledge-exchange library. A programme is named by
# its slug. A reference to a programme the reader may not see is null, as if there were none:
# the view puts the ids of those they may see in the context as "visible_programmes".


class ProgrammeRefSerializer(serializers.ModelSerializer[Programme]):
    url = serializers.HyperlinkedIdentityField(view_name="api:programme-detail", lookup_field="slug")

    class Meta:
        model = Programme
        fields = ["id", "url", "name", "slug"]
        extra_kwargs = always_present(fields)


class VisibleProgrammeField(ProgrammeRefSerializer):
    """A programme, or null if there is none or the reader may not see it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_null=True, **kwargs)

    def get_attribute(self, instance: Any) -> Any:
        programme = super().get_attribute(instance)
        if programme is None or programme.pk not in self.context.get("visible_programmes", ()):
            return None
        return programme


class HostSerializer(OrganisationRefSerializer):
    class Meta(OrganisationRefSerializer.Meta):
        fields = [*OrganisationRefSerializer.Meta.fields, "town", "region_code", "region_name"]
        extra_kwargs = always_present(fields)


class ProgrammeMemberSerializer(serializers.ModelSerializer[ProgrammeMember]):
    organisation = OrganisationRefSerializer()

    class Meta:
        model = ProgrammeMember
        fields = ["organisation", "role", "joined", "left"]
        extra_kwargs = always_present(fields)


class ProgrammeSerializer(serializers.ModelSerializer[Programme]):
    url = serializers.HyperlinkedIdentityField(view_name="api:programme-detail", lookup_field="slug")
    web_url = serializers.SerializerMethodField(help_text="The programme's page on the website.")
    lead = OrganisationRefSerializer(help_text="The organisation that runs it.")
    members = ProgrammeMemberSerializer(
        many=True, help_text="Every member, past and present, with the dates it joined and left."
    )
    open_opportunities = serializers.IntegerField(
        help_text="How many of its opportunities are taking applications now."
    )

    class Meta:
        model = Programme
        fields = [
            "id",
            "url",
            "web_url",
            "slug",
            *Programme.FIELDS,
            "members",
            "open_opportunities",
            "created_at",
        ]
        extra_kwargs = always_present(fields)

    def get_web_url(self, programme: Programme) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(programme.get_absolute_url())


class OpportunitySerializer(serializers.ModelSerializer[Opportunity]):
    """An opportunity and how many places are taken; never who applied or what they wrote."""

    url = serializers.HyperlinkedIdentityField(view_name="api:opportunity-detail")
    web_url = serializers.SerializerMethodField(help_text="The opportunity's page on the website.")
    programme = VisibleProgrammeField(help_text="The programme that offers it, if any.")
    host = HostSerializer(help_text="The organisation that offers it.")
    places_taken = serializers.IntegerField(source="taken", help_text="How many people are taking part.")
    places_left = serializers.SerializerMethodField(help_text="Places not yet taken.")
    accepting_applications = serializers.SerializerMethodField(help_text="Open, and its closing date not past.")

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "url",
            "web_url",
            *Opportunity.FIELDS,
            "places_taken",
            "places_left",
            "accepting_applications",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = always_present(fields)

    def get_web_url(self, opportunity: Opportunity) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(opportunity.get_absolute_url())

    def get_places_left(self, opportunity: Opportunity) -> int:
        return max(opportunity.places - int(opportunity.taken), 0)  # type: ignore[attr-defined]

    def get_accepting_applications(self, opportunity: Opportunity) -> bool:
        return opportunity.accepts_applications()


def _form_value(value: Any) -> Any:
    """A value as a bound form reads it: organisations and programmes by id, None as empty."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


class OpportunityInputSerializer(StrictInput, serializers.ModelSerializer[Opportunity]):
    """An opportunity as a client sends it, checked by the web page's OpportunityForm.

    With PATCH, only the fields sent change. The context must hold the "request": the form
    offers the hosts and programmes its user may choose.
    """

    host = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text="Id of the organisation that offers it: one you edit for, or a member of a programme you manage.",
    )
    programme = serializers.SlugField(
        max_length=220,
        allow_null=True,
        required=False,
        help_text="Slug of the programme that offers it, one you manage; null for none.",
    )

    class Meta:
        model = Opportunity
        fields = list(Opportunity.FIELDS)
        # The same bound on every database (a small integer), so the schema does not vary.
        extra_kwargs = {"places": {"max_value": 32767}}

    def to_representation(self, instance: Opportunity) -> dict[str, Any]:
        """The opportunity as a client would send it back: the browsable API's forms start from this."""
        data: dict[str, Any] = {}
        for name in Opportunity.FIELDS:
            value = getattr(instance, name)
            if name not in ("host", "programme"):
                data[name] = None if value is None else self.fields[name].to_representation(value)
        data["host"] = instance.host_id
        data["programme"] = instance.programme.slug if instance.programme else None
        return data

    def validate_host(self, value: int) -> Organisation:
        host: Organisation = _by_id(Organisation, value, "organisation")
        if self.instance is None or host.pk != getattr(self.instance, "host_id", None):
            # A 403, as for an activity led by an organisation one does not edit for.
            require_may_host(self.context["request"], host)
        return host

    def validate_programme(self, value: str | None) -> Programme | None:
        if value is None:
            return None
        programme = Programme.objects.filter(pk__in=self.context.get("visible_programmes", ()), slug=value).first()
        if programme is None:
            raise serializers.ValidationError(f"There is no programme with the slug {value}.")
        return programme

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The fields sent over the opportunity's current ones (or the defaults), through OpportunityForm.

        Returns the data for the services: all of it for a new opportunity, what was sent for a change.
        """
        request: Request = self.context["request"]
        instance = self.instance if isinstance(self.instance, Opportunity) else None
        data: dict[str, Any] = {}
        for name in Opportunity.FIELDS:
            if name in attrs:
                value = attrs[name]
            elif instance is not None:
                value = getattr(instance, name)
            else:
                field = Opportunity._meta.get_field(name)
                assert isinstance(field, models.Field)
                value = field.get_default()
            data[name] = _form_value(value)
        form = OpportunityForm(
            data,
            # A fresh copy: a ModelForm writes the values it cleans onto its instance.
            instance=Opportunity.objects.get(pk=instance.pk) if instance else None,
            user=request.user,
        )
        host_field = form.fields["host"]
        if isinstance(host_field, OrganisationField):
            host_field.matcher = OrganisationsById()
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        cleaned = form.opportunity_data()
        return {name: value for name, value in cleaned.items() if instance is None or name in attrs}


class ApplicationInputSerializer(StrictInput, serializers.Serializer[Any]):
    """An application for a place, checked by the web page's ApplicationForm."""

    organisation = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        allow_null=True,
        required=False,
        help_text="Id of the organisation you work for, one you belong to; required unless anyone may apply.",
    )
    statement = serializers.CharField(
        max_length=6000, help_text="Why you want the place and what you would bring; only its reviewers read it."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request: Request = self.context["request"]
        opportunity: Opportunity = self.context["opportunity"]
        data = {"organisation": _form_value(attrs.get("organisation")), "statement": attrs["statement"]}
        form = ApplicationForm(data, opportunity=opportunity, user=request.user)
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return {"organisation": form.cleaned_data.get("organisation"), "statement": form.cleaned_data["statement"]}


class ApplicationSerializer(serializers.ModelSerializer[Application]):
    """Your own application, as it stands."""

    opportunity = serializers.IntegerField(source="opportunity_id", help_text="The opportunity's id.")
    organisation = serializers.IntegerField(
        source="organisation_id", allow_null=True, help_text="The organisation you applied from, if any."
    )
    web_url = serializers.SerializerMethodField(help_text="The application's page on the website.")

    class Meta:
        model = Application
        fields = ["id", "web_url", "opportunity", "organisation", "status", "submitted_at"]
        extra_kwargs = always_present(fields)

    def get_web_url(self, application: Application) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(application.get_absolute_url())


class ActionSerializer(serializers.ModelSerializer[Action]):
    owner = serializers.CharField(source="owner_label", help_text="Who will do it.")

    class Meta:
        model = Action
        fields = ["description", "owner", "due_date", "done", "done_at"]
        extra_kwargs = always_present(fields)


class EventSerializer(serializers.ModelSerializer[Event]):
    """An event. Its online link is for the people registered and its managers; its minutes and
    actions for those who may read the minutes (the view's "sees_minutes" and "sees_link" decide)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:event-detail")
    web_url = serializers.SerializerMethodField(help_text="The event's page on the website.")
    programme = VisibleProgrammeField(help_text="The programme it belongs to, if any.")
    organiser = OrganisationRefSerializer()
    online_link = serializers.SerializerMethodField(
        help_text="Where to join it online: for the people registered and its organisers; null for others."
    )
    registrations = serializers.IntegerField(source="registered_count", help_text="How many people have registered.")
    registered = serializers.BooleanField(source="you_registered", help_text="Whether you have registered.")
    minutes = serializers.SerializerMethodField(
        help_text="For its organisers, the people registered and the programme's members; null for others."
    )
    actions = serializers.SerializerMethodField(help_text="The actions agreed, for those who may read the minutes.")

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "web_url",
            *Event.FIELDS,
            "registrations",
            "registered",
            "minutes",
            "actions",
            "created_at",
        ]
        extra_kwargs = always_present(fields)

    def get_web_url(self, event: Event) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(event.get_absolute_url())

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_online_link(self, event: Event) -> str | None:
        return event.online_link if self.context["sees_link"](event) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_minutes(self, event: Event) -> str | None:
        return event.minutes if self.context["sees_minutes"](event) else None

    @extend_schema_field(ActionSerializer(many=True, allow_null=True))
    def get_actions(self, event: Event) -> Any:
        if not self.context["sees_minutes"](event):
            return None
        return ActionSerializer(event.actions.all(), many=True, context=self.context).data


class ResourceSerializer(serializers.ModelSerializer[Resource]):
    url = serializers.HyperlinkedIdentityField(view_name="api:resource-detail")
    web_url = serializers.SerializerMethodField(help_text="The resource's page on the website.")
    link = serializers.SerializerMethodField(help_text="Where to watch, read or download it.")
    programme = VisibleProgrammeField(help_text="The programme it came from, if any.")
    organisation = OrganisationRefSerializer(allow_null=True, help_text="Who made it.")

    class Meta:
        model = Resource
        fields = [
            "id",
            "url",
            "web_url",
            "title",
            "kind",
            "description",
            "topic",
            "skills_area",
            "link",
            "language",
            "programme",
            "organisation",
            "published",
        ]
        extra_kwargs = always_present(fields)

    def get_web_url(self, resource: Resource) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(resource.get_absolute_url())

    def get_link(self, resource: Resource) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(resource.link()) if resource.file else resource.url


# The annual returns. Values are numbers: whole numbers for the indicators that count things, others
# to two decimal places. Who sees a return at all is Return.objects.visible_to's say; its review (the
# analysts' comments and its history) is for the organisation and the analysts: the view's
# "sees_review" decides.


def indicator_number(value: Decimal | None, whole_number: bool) -> int | float | None:
    """A stored value as JSON gives it: 12, not "12.00"; 12.5 for an indicator that is not counted."""
    if value is None:
        return None
    return int(value) if whole_number else float(value)


def _year_label(year: int | None) -> str | None:
    return None if year is None else years.label(year)


class IndicatorSerializer(serializers.ModelSerializer[Indicator]):
    url = serializers.HyperlinkedIdentityField(view_name="api:indicator-detail", lookup_field="code")
    first_year = serializers.SerializerMethodField(
        help_text="The first reporting year it applies to, such as 2024/25; null if it has always applied."
    )
    last_year = serializers.SerializerMethodField(
        help_text="The last reporting year it applies to; null if it still applies."
    )
    derived = serializers.SerializerMethodField(
        help_text="Whether museumshare derives its value from the register (each return shows it beside the value)."
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "url",
            "name",
            "definition",
            "unit",
            "section",
            "position",
            "whole_number",
            "required",
            "first_year",
            "last_year",
            "derived",
        ]
        extra_kwargs = always_present(fields)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_first_year(self, indicator: Indicator) -> str | None:
        return _year_label(indicator.first_year)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_last_year(self, indicator: Indicator) -> str | None:
        return _year_label(indicator.last_year)

    def get_derived(self, indicator: Indicator) -> bool:
        return bool(indicator.rule)


class ReturnCountsSerializer(serializers.Serializer[Any]):
    """How many of a year's returns are at each status."""

    draft = serializers.IntegerField()
    submitted = serializers.IntegerField()
    returned = serializers.IntegerField(help_text="Returned to the organisation for changes.")
    approved = serializers.IntegerField()
    locked = serializers.IntegerField(help_text="Approved, and locked when the year closed.")
    total = serializers.IntegerField()


class ReportingYearRefSerializer(serializers.ModelSerializer[ReportingYear]):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:reporting-year-detail", lookup_field="slug", lookup_url_kwarg="year"
    )
    # A field, not the attribute: DRF's metaclass takes declared fields off the class.
    label = serializers.CharField(help_text="As people write it: 2024/25.")  # type: ignore[assignment]
    slug = serializers.CharField(help_text="As a web address or a filter writes it: 2024-25.")

    class Meta:
        model = ReportingYear
        fields = ["year", "url", "label", "slug"]
        extra_kwargs = always_present(fields)


class ReportingYearSerializer(ReportingYearRefSerializer):
    returns = serializers.SerializerMethodField(
        help_text="How many of its returns are at each status: for analysts and administrators; null for others."
    )

    class Meta(ReportingYearRefSerializer.Meta):
        fields = [*ReportingYearRefSerializer.Meta.fields, "status", "deadline", "opened_at", "published_at", "returns"]
        extra_kwargs = always_present(fields)

    @extend_schema_field(ReturnCountsSerializer(allow_null=True))
    def get_returns(self, year: ReportingYear) -> Any:
        if not self.context.get("sees_counts"):
            return None
        counts = {status: getattr(year, f"{status}_count") for status in ReturnStatus.values}
        return ReturnCountsSerializer(counts | {"total": sum(counts.values())}).data


class ReturnValueSerializer(serializers.ModelSerializer[ReturnValue]):
    indicator = serializers.CharField(source="indicator.code", help_text="The indicator's code.")
    # Not get_value, which every serializer has already.
    value = serializers.SerializerMethodField(
        method_name="value_of", help_text="The value the organisation gives; null if none yet."
    )
    derived = serializers.SerializerMethodField(
        help_text="What the register gives; null for an indicator it does not derive."
    )

    class Meta:
        model = ReturnValue
        fields = ["indicator", "value", "derived", "source", "reason", "note", "updated_at"]
        extra_kwargs = always_present(fields)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def value_of(self, row: ReturnValue) -> int | float | None:
        return indicator_number(row.value, row.indicator.whole_number)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_derived(self, row: ReturnValue) -> int | float | None:
        return indicator_number(row.derived, row.indicator.whole_number)


class ReturnEventSerializer(serializers.ModelSerializer[ReturnEvent]):
    class Meta:
        model = ReturnEvent
        fields = ["status", "at", "comment"]
        extra_kwargs = always_present(fields)


class ReturnSerializer(serializers.ModelSerializer[Return]):
    url = serializers.HyperlinkedIdentityField(view_name="api:return-detail")
    web_url = serializers.SerializerMethodField(help_text="The return's page on the website.")
    organisation = OrganisationRefSerializer()
    year = ReportingYearRefSerializer()
    editable = serializers.SerializerMethodField(
        help_text="Whether its organisation may change it now: a draft or returned, in an open year."
    )
    review_comments = serializers.SerializerMethodField(
        help_text="The analyst's comments when it was last returned for changes: for the organisation's people "
        "and analysts; null for others."
    )
    values = ReturnValueSerializer(many=True, help_text="Every indicator's value, in the order of the return.")
    history = serializers.SerializerMethodField(
        help_text="Each step it went through, oldest first, with the comment made: for the organisation's people "
        "and analysts; null for others."
    )

    class Meta:
        model = Return
        fields = [
            "id",
            "url",
            "web_url",
            "organisation",
            "year",
            "status",
            "editable",
            "comments",
            "review_comments",
            "submitted_at",
            "approved_at",
            "values",
            "history",
            "updated_at",
        ]
        extra_kwargs = always_present(fields)

    def get_web_url(self, return_: Return) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(return_.get_absolute_url())

    def get_editable(self, return_: Return) -> bool:
        return return_.is_editable()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_review_comments(self, return_: Return) -> str | None:
        return return_.review_comments if self.context["sees_review"](return_) else None

    @extend_schema_field(ReturnEventSerializer(many=True, allow_null=True))
    def get_history(self, return_: Return) -> Any:
        if not self.context["sees_review"](return_):
            return None
        return ReturnEventSerializer(return_.events.all(), many=True, context=self.context).data


@extend_schema_field({"type": "number", "minimum": 0})
class IndicatorValueField(serializers.Field[Any, Any, Any, Any]):
    """A value as sent: a number, or text as a spreadsheet has it ("1,250"). The service checks it with
    the same code as the web form's, against its indicator."""

    default_error_messages = {
        "invalid": "Enter a number, or null for no value.",
        "max_length": "Enter a number of at most 30 characters.",
    }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, (dict, list)):
            self.fail("invalid")
        # As long as the web form's box.
        if isinstance(data, str) and len(data) > 30:
            self.fail("max_length")
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class EntryInputSerializer(StrictInput, serializers.Serializer[Any]):
    """One indicator's entry; what is left out stays as it is."""

    value = IndicatorValueField(
        required=False,
        allow_null=True,
        help_text="A whole number of 0 or more for the indicators that count things, else up to two decimal "
        "places; null for no value.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="Why the value differs from the register's; required when it does.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Anything a reviewer should know."
    )


class ReturnValuesInputSerializer(StrictInput, serializers.Serializer[Any]):
    values = serializers.DictField(
        child=EntryInputSerializer(),
        required=False,
        help_text='Entries by indicator code: {"placements": {"value": 12, "reason": "...", "note": "..."}}. '
        "All are saved, or none.",
    )
    comments = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10000,
        help_text="The organisation's notes on its return as a whole; left as they are if not sent.",
    )

    def validate_values(self, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > 500:
            raise serializers.ValidationError("Send at most 500 entries at once.")
        return value


class ReturnStepInputSerializer(StrictInput, serializers.Serializer[Any]):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="A comment for its history."
    )


class ReturnForChangesInputSerializer(StrictInput, serializers.Serializer[Any]):
    comment = serializers.CharField(
        max_length=2000,
        help_text="What the organisation should change; its partnership leads get it by email.",
        error_messages={
            "required": "Say what the organisation should change.",
            "blank": "Say what the organisation should change.",
        },
    )


# The Museum Partnership Report. Its JSON is reports.compute's plain data, served as it is; these
# serializers describe it for the schema (docs/report.md has every key).


class ReportFigureSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="The indicator's code.")
    name = serializers.CharField()
    unit = serializers.CharField(allow_blank=True, help_text="Such as loans, objects, people; £ for money.")
    section = serializers.CharField(help_text="The section of the report: collections, skills, research, ...")
    definition = serializers.CharField(allow_blank=True)
    value = serializers.FloatField(
        allow_null=True, help_text="The total of the year's approved returns; null when none reported it."
    )
    returns = serializers.IntegerField(help_text="How many returns reported it.")
    compared_with = serializers.CharField(
        allow_null=True, help_text="The most recent earlier year that reported it, like 2019/20; null if none."
    )
    previous_value = serializers.FloatField(allow_null=True, help_text="Its total in that year.")
    change = serializers.FloatField(allow_null=True, help_text="value - previous_value.")
    change_percent = serializers.FloatField(
        allow_null=True, help_text="The change in per cent of previous_value, to one decimal place."
    )
    sentence = serializers.CharField(help_text="What happened, in the report's words.")


class ReportTrendPointSerializer(serializers.Serializer[Any]):
    year = serializers.CharField(help_text="Like 2019/20.")
    value = serializers.FloatField()


class ReportSerializer(serializers.Serializer[Any]):
    year = serializers.CharField(help_text="Like 2020/21.")
    status = serializers.CharField(
        help_text="published: a published version, frozen; draft: the figures computed now, which may change."
    )
    version = serializers.IntegerField(allow_null=True, help_text="The published version; null for a draft.")
    published_at = serializers.DateTimeField(allow_null=True, help_text="When it was published; null for a draft.")
    note = serializers.CharField(allow_blank=True, help_text="What a correction changed; empty for the first.")
    indicators = ReportFigureSerializer(many=True, help_text="Every indicator of the year, in the return's order.")
    headlines = serializers.ListField(
        child=serializers.CharField(), help_text="The sentences of the largest movements, largest first."
    )
    trends = serializers.DictField(
        child=ReportTrendPointSerializer(many=True),
        help_text="Each indicator's totals by year, up to this one, keyed by its code.",
    )
    breakdowns = serializers.DictField(
        child=serializers.ListField(child=serializers.DictField()),
        help_text="Tables of the register's figures, keyed by name: each a list of rows with a label, a code "
        "(or null) and counts.",
    )
    licence = serializers.CharField()
    attribution = serializers.CharField()


class ReportQuerySerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1,
        max_value=32767,
        required=False,
        help_text="An earlier published version, by its number; the latest if not given.",
    )


class ReportVersionRefSerializer(serializers.ModelSerializer[ReportVersion]):
    url = serializers.SerializerMethodField(help_text="This version's JSON.")
    web_url = serializers.SerializerMethodField(help_text="This version's page on the website.")

    class Meta:
        model = ReportVersion
        fields = ["version", "published_at", "note", "url", "web_url"]
        extra_kwargs = always_present(fields)

    def get_url(self, version: ReportVersion) -> str:
        request: Request = self.context["request"]
        path = reverse("api:report-detail", args=[version.year.slug])
        return request.build_absolute_uri(f"{path}?version={version.version}")

    def get_web_url(self, version: ReportVersion) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(version.get_absolute_url())


class ReportLinksSerializer(serializers.Serializer[Any]):
    """The latest version's page and files on the website."""

    page = serializers.URLField()
    pdf = serializers.URLField()
    xlsx = serializers.URLField()
    csv = serializers.URLField()
    json = serializers.URLField()


class ReportYearSerializer(ReportingYearRefSerializer):
    """A year whose report is published, with its versions, latest first."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api:report-detail", lookup_field="slug", lookup_url_kwarg="year"
    )
    version = serializers.SerializerMethodField(help_text="The latest version.")
    published_at = serializers.SerializerMethodField(help_text="When the latest version was published.")
    versions = ReportVersionRefSerializer(many=True, source="published_versions")
    links = serializers.SerializerMethodField()

    class Meta(ReportingYearRefSerializer.Meta):
        fields = [*ReportingYearRefSerializer.Meta.fields, "version", "published_at", "versions", "links"]
        extra_kwargs = always_present(fields)

    def latest(self, year: ReportingYear) -> ReportVersion:
        versions: list[ReportVersion] = year.published_versions  # type: ignore[attr-defined]
        return versions[0]

    def get_version(self, year: ReportingYear) -> int:
        return self.latest(year).version

    @extend_schema_field(serializers.DateTimeField())
    def get_published_at(self, year: ReportingYear) -> Any:
        return serializers.DateTimeField().to_representation(self.latest(year).published_at)

    @extend_schema_field(ReportLinksSerializer)
    def get_links(self, year: ReportingYear) -> dict[str, str]:
        request: Request = self.context["request"]
        links = {"page": reverse("reports:detail", args=[year.slug])} | {
            fmt: reverse("reports:download", args=[year.slug, fmt]) for fmt in ("pdf", "xlsx", "csv", "json")
        }
        return {name: request.build_absolute_uri(path) for name, path in links.items()}


# The map of partnership activity: the figures of atlas.aggregate by area, with the map page's filters.

ATLAS_SCOPES = [
    ("all", "In the UK and abroad"),
    ("uk", "UK areas only"),
    ("international", "Countries outside the UK only"),
]


def reporting_year(value: str) -> None:
    try:
        years.parse(value)
    except ValueError as problem:
        raise serializers.ValidationError(f"{problem} Write it like 2020-21.") from None


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2020-21"})
class ReportingYearField(serializers.CharField):
    """A reporting year as a web address writes it, 2020-21 (2020/21 is read too)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, max_length=9, validators=[reporting_year], **kwargs)


class AtlasQuerySerializer(serializers.Serializer[Any]):
    """What to count, for which areas, with the map page's filters; every parameter optional."""

    level = serializers.ChoiceField(
        choices=list(LEVELS), default="district", help_text="nation, region, upper_tier or district."
    )
    measure = serializers.ChoiceField(choices=list(MEASURES.items()), default="activities")
    year = ReportingYearField(help_text="One reporting year, such as 2020-21; or give year_from and year_to.")
    year_from = ReportingYearField(help_text="The first reporting year of a range; none: from the start.")
    year_to = ReportingYearField(help_text="The last reporting year of a range; none: to date.")
    kind = serializers.ChoiceField(
        choices=ActivityKind.choices, required=False, help_text="Activities of this kind only; loans are not narrowed."
    )
    organisation = serializers.CharField(
        max_length=220,
        required=False,
        help_text="An organisation's id or slug: the activities it takes part in and its loans out, with its sites'.",
    )
    scope = serializers.ChoiceField(choices=ATLAS_SCOPES, default="all")

    def validate_organisation(self, value: str) -> Organisation:
        by_id = value.isascii() and value.isdigit()
        if by_id and int(value) > MAX_ID:
            raise serializers.ValidationError("No organisation has this id.")
        organisation = Organisation.objects.filter(**{"pk" if by_id else "slug": value}).first()
        if organisation is None:
            raise serializers.ValidationError(f"No organisation has the {'id' if by_id else 'slug'} {value}.")
        return organisation

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("year") and (attrs.get("year_from") or attrs.get("year_to")):
            raise serializers.ValidationError({"year": ["Give year, or year_from and year_to, not both."]})
        first, last = attrs.get("year_from"), attrs.get("year_to")
        if first and last and years.parse(last) < years.parse(first):
            raise serializers.ValidationError({"year_to": [f"Give a year from {first} on."]})
        return attrs

    def filters(self) -> Filters:
        data = self.validated_data
        first, last = data.get("year_from") or data.get("year"), data.get("year_to") or data.get("year")
        return Filters(
            year_from=years.parse(first) if first else None,
            year_to=years.parse(last) if last else None,
            kind=data.get("kind", ""),
            organisation=data.get("organisation"),
            scope=data["scope"],
        )


class AtlasAreaSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(
        help_text="A UK area's ONS code (E08000021; a nation's, E92000001), or a country's ISO 3166 code (FR)."
    )
    name = serializers.CharField()
    value = serializers.IntegerField(help_text="The figure asked for: never 0, as areas without any are left out.")


class AtlasFeaturePropertiesSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="The area's ONS code.")
    name = serializers.CharField()
    value = serializers.IntegerField(help_text="The figure asked for; 0 where there is none.")


class AtlasFeatureSerializer(serializers.Serializer[Any]):
    type = serializers.CharField(help_text="Feature")
    properties = AtlasFeaturePropertiesSerializer()
    geometry = serializers.DictField(help_text="A GeoJSON Polygon or MultiPolygon, longitude first.")


class AtlasFeatureCollectionSerializer(serializers.Serializer[Any]):
    type = serializers.CharField(help_text="FeatureCollection")
    features = AtlasFeatureSerializer(many=True, help_text="Every area of the level, in the UK only.")
