"""What the API reads and writes, field by field.

Output serializers only present records. Input serializers check types for the schema, then
validate with the same forms the web pages use (ActivityForm, OfferForm), so a record is
accepted or refused for the same reasons however it arrives. Nothing here saves: the views
call the services.
"""

from itertools import groupby
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from museumshare.activities.forms import ActivityForm, PartnerRowForm, PlaceRowForm
from museumshare.activities.models import Activity, Network, Partner, PartnerRole, Place
from museumshare.activities.services import PartnerSpec, PlaceSpec
from museumshare.core import years
from museumshare.organisations.forms import OfferForm, OrganisationMatcher
from museumshare.organisations.models import Organisation

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


class OfferInputSerializer(serializers.ModelSerializer[Organisation]):
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


class PartnerInputSerializer(serializers.Serializer[Any]):
    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The organisation's id.")
    role = serializers.ChoiceField(
        choices=[choice for choice in PartnerRole.choices if choice[0] != PartnerRole.LEAD],
        default=PartnerRole.PARTNER,
    )


class PlaceInputSerializer(serializers.Serializer[Any]):
    """Exactly one of the three."""

    organisation = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="An organisation's id: at its site."
    )
    local_authority = serializers.CharField(
        required=False, help_text="An ONS local authority district code, such as E08000021."
    )
    country = serializers.CharField(required=False, help_text="ISO 3166 code of a country outside the UK, such as FR.")


class ActivityInputSerializer(serializers.ModelSerializer[Activity]):
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
