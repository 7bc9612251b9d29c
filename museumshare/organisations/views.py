from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from museumshare.core import exports
from museumshare.organisations import services
from museumshare.organisations.forms import ContactForm, DirectoryFilterForm, OfferForm, organisation_label
from museumshare.organisations.models import Contact, Membership, Organisation

PAGE_SIZE = 25
LOOKUP_SIZE = 20
EXPORT_HEADER = [
    "ref", "name", "kind", "governance", "is_national", "national_group", "accreditation", "size",
    "subject", "year_opened", "year_closed", "address_line_1", "address_line_2", "town", "postcode",
    "latitude", "longitude", "country", "nation", "region", "upper_tier_local_authority",
    "local_authority_code", "local_authority", "website",
]  # fmt: skip


def _get_editable_organisation(request: HttpRequest, slug: str, perm: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm(perm, organisation):
        raise PermissionDenied
    return organisation


def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    organisations = form.filter(Organisation.objects.select_related("national_group"))
    fmt = request.GET.get("download")
    if fmt in exports.FORMATS:
        return _download(organisations, form, fmt)
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    nation_counts = dict(
        form.filter(Organisation.objects.all()).order_by().values_list("nation").annotate(n=Count("id"))
    )
    return render(
        request,
        "organisations/directory.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "active_filters": form.active_filters(),
            "nation_counts": sorted((k or "Outside the UK", v) for k, v in nation_counts.items()),
        },
    )


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """Type-ahead suggestions for the organisation boxes on forms, as <option>s for a <datalist>."""
    query = request.GET.get("q", "").strip()
    found = Organisation.objects.search(query).order_by("name")[:LOOKUP_SIZE] if len(query) >= 2 else []
    return render(request, "organisations/lookup_options.html", {"labels": [organisation_label(o) for o in found]})


def _download(organisations: Any, form: DirectoryFilterForm, fmt: str) -> HttpResponse:
    rows = (
        [
            o.external_id or "",
            o.name,
            o.kind,
            o.governance,
            o.is_national,
            o.national_group.name if o.national_group else "",
            o.accreditation,
            o.size,
            o.subject,
            o.year_opened,
            o.year_closed,
            o.address_line_1,
            o.address_line_2,
            o.town,
            o.postcode,
            o.latitude,
            o.longitude,
            o.country.code,
            o.nation,
            o.region_name,
            o.upper_tier_name,
            o.district_code,
            o.district_name,
            o.website,
        ]
        for o in organisations.iterator(chunk_size=1000)
    )
    parts = ["organisations", *(value for _, value in form.active_filters())]
    return exports.download(fmt=fmt, name_parts=parts, header=EXPORT_HEADER, rows=rows)


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.select_related("national_group"), slug=slug)
    can_see_private = request.user.has_perm("organisations.view_private_contacts", organisation)
    contacts = organisation.contacts.all() if can_see_private else organisation.contacts.public()
    context = {
        "organisation": organisation,
        "contacts": contacts,
        "venues": organisation.venues.select_related("site"),
        "can_edit": request.user.has_perm("organisations.change_organisation", organisation),
        "can_manage_contacts": request.user.has_perm("organisations.manage_contacts", organisation),
        "membership": _own_membership(request, organisation),
    }
    return render(request, "organisations/detail.html", context)


def _own_membership(request: HttpRequest, organisation: Organisation) -> Membership | None:
    if not request.user.is_authenticated:
        return None
    return Membership.objects.filter(user=request.user, organisation=organisation).first()


@login_required
@require_POST
def accept_messages(request: HttpRequest, slug: str) -> HttpResponse:
    """A member says whether other museums may email them here about needs and offers."""
    organisation = get_object_or_404(Organisation, slug=slug)
    membership = _own_membership(request, organisation)
    if membership is None:
        raise PermissionDenied("Only people at the organisation can choose to receive its messages.")
    accepts = request.POST.get("accepts") == "yes"
    services.membership_accept_messages(membership=membership, actor=request.user, accepts=accepts)
    if accepts:
        messages.success(request, f"Other museums can now email you through museumshare about {organisation}.")
    else:
        messages.success(request, f"Other museums can no longer email you through museumshare about {organisation}.")
    return redirect(organisation)


def national_museums(request: HttpRequest) -> HttpResponse:
    bodies = (
        Organisation.objects.national_bodies()
        .filter(partnership_report=True)
        .annotate(site_count=Count("venues"))
        .order_by("name")
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.public(), to_attr="public_contacts"))
    )
    return render(request, "organisations/national_museums.html", {"bodies": bodies})


@login_required
def edit_offer(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _get_editable_organisation(request, slug, "organisations.change_organisation")
    form = OfferForm(request.POST or None, instance=Organisation.objects.get(pk=organisation.pk))
    if request.method == "POST" and form.is_valid():
        changes = services.organisation_update(
            organisation=organisation,
            actor=request.user,
            data={name: form.cleaned_data[name] for name in OfferForm.Meta.fields},
        )
        if changes:
            messages.success(request, f"{organisation.name}'s profile is updated. It shows in the directory now.")
        else:
            messages.info(request, "Nothing had changed, so nothing was saved.")
        return redirect(organisation)
    return render(request, "organisations/edit_offer.html", {"organisation": organisation, "form": form})


@login_required
def contacts(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _get_editable_organisation(request, slug, "organisations.manage_contacts")
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = services.contact_create(organisation=organisation, actor=request.user, data=form.cleaned_data)
        messages.success(request, f"{contact.name} is added to {organisation.name}'s contacts.")
        return redirect("organisations:contacts", slug=organisation.slug)
    return render(
        request,
        "organisations/contacts.html",
        {"organisation": organisation, "contacts": organisation.contacts.all(), "form": form},
    )


@login_required
def edit_contact(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _get_editable_organisation(request, slug, "organisations.manage_contacts")
    contact = get_object_or_404(organisation.contacts, pk=pk)
    form = ContactForm(request.POST or None, instance=Contact.objects.get(pk=contact.pk))
    if request.method == "POST" and form.is_valid():
        services.contact_update(contact=contact, actor=request.user, data=form.cleaned_data)
        messages.success(request, f"{contact.name}'s details are saved.")
        return redirect("organisations:contacts", slug=organisation.slug)
    return render(
        request, "organisations/edit_contact.html", {"organisation": organisation, "contact": contact, "form": form}
    )


@login_required
@require_POST
def delete_contact(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _get_editable_organisation(request, slug, "organisations.manage_contacts")
    contact = get_object_or_404(organisation.contacts, pk=pk)
    services.contact_delete(contact=contact, actor=request.user)
    messages.success(request, f"{contact.name} is removed from {organisation.name}'s contacts.")
    return redirect("organisations:contacts", slug=organisation.slug)
