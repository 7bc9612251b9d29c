"""Needs and offers in the API, by the web pages' rules.

Reading: by `visible_to`, filtered with the boards' own form, so the API and the boards can never
disagree; a private need or offer is a 404 to anyone outside its organisation, analysts and
administrators. Writing: an organisation's editors post, change, withdraw and reopen its needs and offers,
each checked by the web page's form (NeedForm, OfferForm, NoteForm) and written by the same
services, which decide who may (needs/rules.py), refuse with a 403 in their words, and record it in
the audit log.
"""

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from museumshare.api.common import (
    MAX_ID,
    _by_id,
    always_present,
    any_organisation,
    errors,
    form_data,
    form_errors,
)
from museumshare.api.filters import FormFilter
from museumshare.api.inputs import StrictInput
from museumshare.api.organisations import HostSerializer
from museumshare.needs import services
from museumshare.needs.forms import NeedFilterForm, NeedForm, NoteForm, OfferFilterForm, OfferForm, PostedForm
from museumshare.needs.models import Need, Offer
from museumshare.organisations.models import Organisation

POSTED_FIELDS = ["id", "url", "web_url", "organisation", "kind", "subjects", "skills_area", "title", "description"]
SUBJECTS_HELP = "Mapping Museums subjects, such as Arts-Fine_and_decorative_arts."


class _WebUrl:
    context: dict[str, Any]

    def get_web_url(self, obj: Need | Offer) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(obj.get_absolute_url())


class NeedSerializer(_WebUrl, serializers.ModelSerializer[Need]):
    """A need, without its conversations: those are for the two sides alone."""

    url = serializers.HyperlinkedIdentityField(view_name="api:need-detail")
    web_url = serializers.SerializerMethodField(help_text="The need's page on the website, with its suggestions.")
    organisation = HostSerializer(help_text="The organisation that needs it.")
    subjects = serializers.ListField(child=serializers.CharField(), help_text=SUBJECTS_HELP)

    class Meta:
        model = Need
        fields = [*POSTED_FIELDS, "starts", "ends", "visibility", "status", "met_at", "created_at", "updated_at"]
        extra_kwargs = always_present(fields)


class OfferSerializer(_WebUrl, serializers.ModelSerializer[Offer]):
    url = serializers.HyperlinkedIdentityField(view_name="api:offer-detail")
    web_url = serializers.SerializerMethodField(help_text="The offer's page on the website.")
    organisation = HostSerializer(help_text="The organisation that offers it.")
    subjects = serializers.ListField(child=serializers.CharField(), help_text=SUBJECTS_HELP)
    regions = serializers.ListField(
        child=serializers.CharField(), help_text="ONS codes of the regions it serves; empty for the whole UK."
    )

    class Meta:
        model = Offer
        fields = [*POSTED_FIELDS, "capacity", "regions", "visibility", "status", "created_at", "updated_at"]
        extra_kwargs = always_present(fields)


class _PostedInput(StrictInput, serializers.ModelSerializer[Any]):
    # A need or an offer as a client sends it, checked by the web page's form. The context must
    # hold the "request", for the form. The organisation may be any: the services refuse one the
    # user may not post for.

    organisation = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Id of the organisation that posts it: one you edit for."
    )
    subjects = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, help_text=SUBJECTS_HELP
    )
    form_class: ClassVar[type[PostedForm]]

    def to_representation(self, instance: Need | Offer) -> dict[str, Any]:
        """The record as a client would send it back: the browsable API's forms start from this."""
        data: dict[str, Any] = {}
        for name in type(instance).FIELDS:
            value = instance.organisation_id if name == "organisation" else getattr(instance, name)
            data[name] = None if value is None else self.fields[name].to_representation(value)
        return data

    @property
    def model(self) -> type[Need] | type[Offer]:
        model: type[Need] | type[Offer] = self.Meta.model
        return model

    def validate_organisation(self, value: int) -> Organisation:
        organisation: Organisation = _by_id(Organisation, value, "organisation")
        return organisation

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The fields sent over the record's current ones (or the defaults), through the web page's form.

        Returns the data for the services: all of it for a new record, what was sent for a change.
        """
        model = self.model
        instance = self.instance if isinstance(self.instance, model) else None
        form = self.form_class(
            form_data(model, model.FIELDS, attrs, instance),
            user=self.context["request"].user,
            # A fresh copy: a ModelForm writes the values it cleans onto its instance.
            instance=model.objects.get(pk=instance.pk) if instance else None,
        )
        any_organisation(form, "organisation")
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        cleaned = form.data_for_service()
        return {name: value for name, value in cleaned.items() if instance is None or name in attrs}


# Blanks go through to the form, which says how to fill them in, as it does on the web page.
TO_THE_FORM = {name: {"allow_blank": True} for name in ("kind", "title", "description")}


class NeedInputSerializer(_PostedInput):
    """A need as a client sends it, checked by the web page's form; with PATCH, only the fields sent change."""

    form_class = NeedForm

    class Meta:
        model = Need
        fields = list(Need.FIELDS)
        extra_kwargs = TO_THE_FORM


# Not OfferInputSerializer: that is what an organisation's profile says it offers.
class PostedOfferInputSerializer(_PostedInput):
    """An offer as a client sends it, checked by the web page's form; with PATCH, only the fields sent change."""

    form_class = OfferForm
    regions = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        help_text="ONS codes of the regions it serves, such as E12000001; none for the whole UK.",
    )

    class Meta:
        model = Offer
        fields = list(Offer.FIELDS)
        # The same bound on every database, so the schema does not vary.
        extra_kwargs = TO_THE_FORM | {"capacity": {"max_value": 2147483647}}


class NoteInputSerializer(StrictInput, serializers.Serializer[Any]):
    """Why a need is withdrawn or reopened, checked by the web page's NoteForm."""

    note = serializers.CharField(required=False, allow_blank=True, help_text="Why (optional); up to 2,000 characters.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        form = NoteForm({"note": attrs.get("note", "")})
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return {"note": form.cleaned_data["note"]}


def _documented(
    noun: str, create: str, output: type[BaseSerializer[Any]], given: type[BaseSerializer[Any]], note: bool
) -> Callable[[type[Any]], type[Any]]:
    """The schema of the needs' or the offers' operations, which differ only in their words."""
    return extend_schema_view(
        list=extend_schema(
            summary=f"{noun.capitalize()}s you may see: public ones, and your own organisations' private ones",
            responses={200: output(many=True), **errors(400, 401, 404)},
        ),
        retrieve=extend_schema(summary=f"One {noun}", responses={200: output, **errors(401, 404)}),
        create=extend_schema(
            summary=f"{create} (editors, for an organisation they edit for)",
            request=given,
            responses={201: output, **errors(400, 401, 403)},
        ),
        partial_update=extend_schema(
            summary=f"Change the {noun} (editors at the organisation that posted it)",
            request=given,
            responses={200: output, **errors(400, 401, 403, 404)},
        ),
        withdraw=extend_schema(
            summary=f"Withdraw the {noun}: off the board, no longer suggested (editors at its organisation)",
            request=NoteInputSerializer if note else None,
            responses={200: output, **errors(400, 401, 403, 404)},
        ),
        reopen=extend_schema(
            summary=f"Reopen the {noun} ({'met or ' if note else ''}withdrawn): back on the board (its editors)",
            request=NoteInputSerializer if note else None,
            responses={200: output, **errors(400, 401, 403, 404)},
        ),
    )


class _PostedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]):
    """What the needs and the offers share; each names its model, serializers and services."""

    model: ClassVar[type[Need] | type[Offer]]
    input_serializer: ClassVar[type[_PostedInput]]
    permission_classes = [IsAuthenticatedOrReadOnly]
    filter_backends = [FormFilter, OrderingFilter]

    def get_queryset(self) -> QuerySet[Any]:
        posted = self.model.objects.visible_to(self.request.user)
        return posted.select_related("organisation").order_by("-created_at", "-id")

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        # What the browsable API's forms offer; the answer is always the record as it is read.
        if self.action in ("create", "partial_update"):
            return self.input_serializer
        if self.action in ("withdraw", "reopen"):
            return NoteInputSerializer
        return super().get_serializer_class()

    def _present(self, posted: Need | Offer, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=posted.pk)
        data = self.serializer_class(fresh, context=self.get_serializer_context()).data  # type: ignore[misc]
        # str(): the url is a str subclass, which WSGI servers refuse in a header.
        headers = {"Location": str(data["url"])} if code == status.HTTP_201_CREATED else None
        return Response(data, status=code, headers=headers)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.input_serializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        posted = self._create(dict(serializer.validated_data))
        return self._present(posted, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        posted = self.get_object()
        serializer = self.input_serializer(
            posted, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        self._update(posted, dict(serializer.validated_data))
        return self._present(posted)

    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, self._withdraw)

    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, self._reopen)

    def _step(self, request: Request, step: Callable[[Any, str], None]) -> Response:
        """Withdraw or reopen the need or offer, with the note the request gives."""
        posted = self.get_object()
        serializer = NoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        step(posted, serializer.validated_data["note"])
        return self._present(posted)

    def _create(self, data: dict[str, Any]) -> Need | Offer:
        raise NotImplementedError

    def _update(self, posted: Any, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def _withdraw(self, posted: Any, note: str) -> None:
        raise NotImplementedError

    def _reopen(self, posted: Any, note: str) -> None:
        raise NotImplementedError


@_documented("need", "Post a need", NeedSerializer, NeedInputSerializer, note=True)
class NeedViewSet(_PostedViewSet):
    model = Need
    serializer_class = NeedSerializer
    input_serializer = NeedInputSerializer
    filter_form = NeedFilterForm
    ordering_fields = ["created_at", "starts", "title", "id"]

    def _create(self, data: dict[str, Any]) -> Need:
        return services.need_create(actor=self.request.user, data=data)

    def _update(self, posted: Need, data: dict[str, Any]) -> None:
        services.need_update(need=posted, actor=self.request.user, data=data)

    def _withdraw(self, posted: Need, note: str) -> None:
        services.need_withdraw(need=posted, actor=self.request.user, note=note)

    def _reopen(self, posted: Need, note: str) -> None:
        services.need_reopen(need=posted, actor=self.request.user, note=note)


@_documented("offer", "Make an offer", OfferSerializer, PostedOfferInputSerializer, note=False)
class OfferViewSet(_PostedViewSet):
    model = Offer
    serializer_class = OfferSerializer
    input_serializer = PostedOfferInputSerializer
    filter_form = OfferFilterForm
    ordering_fields = ["created_at", "title", "id"]

    def _create(self, data: dict[str, Any]) -> Offer:
        return services.offer_create(actor=self.request.user, data=data)

    def _update(self, posted: Offer, data: dict[str, Any]) -> None:
        services.offer_update(offer=posted, actor=self.request.user, data=data)

    def _withdraw(self, posted: Offer, note: str) -> None:
        # An offer is withdrawn without a note, as on its web page.
        services.offer_withdraw(offer=posted, actor=self.request.user)

    def _reopen(self, posted: Offer, note: str) -> None:
        services.offer_reopen(offer=posted, actor=self.request.user)
