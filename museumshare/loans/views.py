"""Pages for loans in and out: the list, a loan's page with its next steps, the request, the
details, condition checks, documents, the agreement and letter as PDFs, and the lender's catalogue."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from museumshare.activities.models import sees_everything
from museumshare.core import exports, files
from museumshare.core.forms import add_errors
from museumshare.core.pdf import write_pdf
from museumshare.core.services import Refused
from museumshare.loans import procedure, services
from museumshare.loans.forms import (
    SIDES,
    CollectionObjectForm,
    ConditionCheckForm,
    DocumentForm,
    LoanEditForm,
    LoanFilterForm,
    LoanRequestForm,
    LoansPolicyForm,
    RenewalForm,
    RequestLenderForm,
    StepForm,
)
from museumshare.loans.models import (
    AWAY,
    FINISHED,
    CollectionObject,
    ConditionCheck,
    Loan,
    LoanDocument,
    LoanQuerySet,
    LoansPolicy,
    Stage,
    Status,
)
from museumshare.loans.rules import side_of
from museumshare.organisations.models import Membership, Organisation
from museumshare.organisations.rules import role_at

PAGE_SIZE = 25
# Until a decision, the letter is the borrower's request; after it, the lender's confirmation.
REQUESTING = (Status.DRAFT, Status.REQUESTED, Status.ACKNOWLEDGED, Status.UNDER_ASSESSMENT)
RECENT_SHOWN = 5
PUBLISHED = (*AWAY, Status.RETURNED, Status.CLOSED)
PUBLISHED_FOR = timedelta(days=3 * 365)
EXPORT_HEADER = [
    "reference", "status", "lender", "borrower", "venue", "purpose", "exhibition_title",
    "requested_start", "requested_end", "agreed_start", "agreed_end", "long_loan", "overdue",
    "objects", "insurance", "courier_required", "loan_fee", "visitors", "total_valuation",
]  # fmt: skip


def _member_organisations(user: Any) -> list[Organisation]:
    return [m.organisation for m in user.memberships.select_related("organisation").order_by("organisation__name")]


def _editor_organisations(user: Any) -> list[Organisation]:
    return list(Organisation.objects.edited_by(user).order_by("name"))


def _get_visible_loan(request: HttpRequest, pk: int) -> Loan:
    """The loan, or 404 for anyone who may not see it: nobody learns that it exists."""
    loans = Loan.objects.visible_to(request.user).select_related(
        "lender", "borrower", "venue", "facilities_report", "created_by"
    )
    return get_object_or_404(loans, pk=pk)


def _get_editable_loan(request: HttpRequest, pk: int) -> Loan:
    loan = _get_visible_loan(request, pk)
    if not request.user.has_perm("loans.change_loan", loan):
        raise PermissionDenied
    return loan


def _problems(form: forms.BaseForm) -> list[tuple[str, str]]:
    """(field id, message) of each error on `form`, for the error summary."""
    first = next(iter(form), None)
    return [(first.id_for_label if first else "", str(e)) for e in form.non_field_errors()] + [
        (field.id_for_label, str(e)) for field in form for e in field.errors
    ]


# The list


@login_required
@require_GET
def loan_list(request: HttpRequest) -> HttpResponse:
    form = LoanFilterForm(request.GET or None)
    user = request.user
    everyone = getattr(user, "is_superuser", False) or sees_everything(user)
    organisations = None if everyone else _member_organisations(user)
    loans = form.filter(Loan.objects.visible_to(user), organisations).order_by("-requested_start", "-id")
    fmt = request.GET.get("download")
    title = SIDES[form.chosen_side]
    if fmt in exports.FORMATS:
        whose = [o.name for o in organisations] if organisations and len(organisations) == 1 else []
        name_parts = [title, *whose, *(text for _, text in form.described())]
        rows = (_export_row(user, loan) for loan in _with_totals(loans).iterator(chunk_size=500))
        return exports.download(fmt=fmt, name_parts=name_parts, header=EXPORT_HEADER, rows=rows)
    page = Paginator(loans.select_related("lender", "borrower", "venue"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for name in ("page", "download"):
        query.pop(name, None)
    other_side = query.copy()
    other_side["side"] = "in" if form.chosen_side == "out" else "out"
    context = {
        "form": form,
        "page": page,
        "side": form.chosen_side,
        "title": title,
        "organisations": organisations,
        "query": query.urlencode(),
        "sides": [
            (key, label, f"?{urlencode({'side': key})}" if key != form.chosen_side else "")
            for key, label in SIDES.items()
        ],
        "active_filters": form.described(),
        "can_request": bool(_editor_organisations(user)),
        "today": date.today(),
    }
    return render(request, "loans/list.html", context)


def _with_totals(loans: LoanQuerySet) -> LoanQuerySet:
    return loans.select_related("lender", "borrower", "venue").annotate(
        object_count=Count("loan_objects"), total_valuation=Sum("loan_objects__valuation")
    )


def _export_row(user: Any, loan: Any) -> list[Any]:
    valuation: Decimal | None = loan.total_valuation if user.has_perm("loans.view_valuations", loan.lender) else None
    return [
        loan.reference,
        loan.get_status_display(),
        loan.lender.name,
        loan.borrower.name,
        loan.venue.name if loan.venue else "",
        loan.get_purpose_display(),
        loan.exhibition_title,
        loan.requested_start,
        loan.requested_end,
        loan.agreed_start,
        loan.agreed_end,
        loan.is_long,
        loan.is_overdue(),
        loan.object_count,
        loan.get_insurance_display(),
        loan.courier_required,
        loan.loan_fee,
        loan.visitors,
        valuation,
    ]


# A loan's page


def _objects(loan: Loan) -> list[dict[str, Any]]:
    """Each object of the loan with its condition check at each stage (or None)."""
    loan_objects = loan.loan_objects.select_related("object").prefetch_related(
        Prefetch("condition_checks", queryset=ConditionCheck.objects.select_related("checked_by"))
    )
    rows = []
    for loan_object in loan_objects:
        by_stage = {check.stage: check for check in loan_object.condition_checks.all()}
        rows.append(
            {
                "item": loan_object,
                "checks": [(stage, by_stage.get(stage.value)) for stage in Stage],
            }
        )
    return rows


def _next_steps(user: Any, loan: Loan) -> tuple[list[dict[str, Any]], list[procedure.Step]]:
    """The steps `user` may take now, each with what it still requires, and those waiting on the other side."""
    sides = side_of(user, loan)
    mine, theirs = [], []
    for step in procedure.steps_from(loan.status):
        if step.by in sides:
            mine.append({"step": step, "missing": procedure.missing(loan, step.to), "form": StepForm(prefix=step.to)})
        elif step.to not in (Status.WITHDRAWN, Status.CANCELLED, Status.DECLINED):
            theirs.append(step)
    return mine, theirs


def _notice_warning(loan: Loan) -> str:
    if loan.status not in (Status.DRAFT, Status.REQUESTED, Status.ACKNOWLEDGED, Status.UNDER_ASSESSMENT):
        return ""
    weeks = procedure.short_notice(loan)
    if weeks is None:
        return ""
    asked = LoansPolicy.objects.get(organisation=loan.lender_id).notice_weeks
    return (
        f"This request gives {max(weeks, 0)} weeks’ notice; {loan.lender} asks for {asked} weeks. "
        "The lender may still agree, but may not have time to prepare the objects."
    )


def _detail_context(request: HttpRequest, loan: Loan) -> dict[str, Any]:
    user = request.user
    mine, theirs = _next_steps(user, loan)
    return {
        "loan": loan,
        "sides": side_of(user, loan),
        "can_ask_renewal": procedure.BORROWER in side_of(user, loan)
        and loan.status in services.RENEWABLE
        and not loan.renewal_requested_end,
        "can_decide_renewal": procedure.LENDER in side_of(user, loan) and bool(loan.renewal_requested_end),
        "show_valuations": user.has_perm("loans.view_valuations", loan.lender),
        "objects": _objects(loan),
        "documents": loan.documents.select_related("uploaded_by"),
        "events": loan.events.select_related("actor"),
        "steps": mine,
        "waiting": theirs,
        "other_side": "lender" if procedure.BORROWER in side_of(user, loan) else "borrower",
        "notice_warning": _notice_warning(loan),
        "requesting": loan.status in REQUESTING,
        "policy": LoansPolicy.objects.filter(organisation=loan.lender_id).first(),
    }


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _get_visible_loan(request, pk)
    return render(request, "loans/detail.html", _detail_context(request, loan))


@login_required
@require_http_methods(["GET", "POST"])
def take_step(request: HttpRequest, pk: int, to: str) -> HttpResponse:
    """Take one step of the procedure; approval has a check-your-answers page first."""
    loan = _get_visible_loan(request, pk)
    step = procedure.step(loan.status, to)
    if step is None:
        messages.info(request, "That step has already been taken, or cannot be taken now.")
        return redirect(loan)
    form = StepForm(request.POST or None, prefix=to)
    if request.method == "GET" or (to == Status.APPROVED and "confirmed" not in request.POST):
        if to != Status.APPROVED:
            return redirect(loan)
        context = _detail_context(request, loan) | {
            "step": step,
            "form": form,
            "missing": procedure.missing(loan, to),
        }
        return render(request, "loans/confirm.html", context)
    note = form.data.get(form.add_prefix("note"), "") if form.is_bound else ""
    try:
        services.loan_transition(loan=loan, actor=request.user, to=to, note=note)
    except Refused as refusal:
        problems = [("", message) for message in refusal.messages]
    except PermissionDenied as denied:
        problems = [("", str(denied) or "You cannot take this step.")]
    else:
        messages.success(request, _done_message(loan, step))
        return redirect(loan)
    context = _detail_context(request, loan) | {"problems": problems, "refused": step}
    return render(request, "loans/detail.html", context)


@login_required
@require_POST
def renewal(request: HttpRequest, pk: int) -> HttpResponse:
    """The borrower asks to keep the objects longer; the lender agrees or declines."""
    loan = _get_visible_loan(request, pk)
    action, note = request.POST.get("action", ""), request.POST.get("note", "")
    try:
        if action == "ask":
            form = RenewalForm(request.POST)
            if not form.is_valid():
                raise Refused([str(e) for errors in form.errors.values() for e in errors])
            services.loan_request_renewal(loan=loan, actor=request.user, until=form.cleaned_data["until"], note=note)
            messages.success(request, f"Renewal asked for. {loan.lender} can agree it or decline it on this page.")
        else:
            services.loan_decide_renewal(loan=loan, actor=request.user, agree=action == "agree", note=note)
            messages.success(
                request, f"Renewal {'agreed' if action == 'agree' else 'declined'}. {loan.borrower} can see it."
            )
    except Refused as refusal:
        problems = [("", message) for message in refusal.messages]
        return render(request, "loans/detail.html", _detail_context(request, loan) | {"problems": problems})
    except PermissionDenied as denied:
        problems = [("", str(denied))]
        return render(request, "loans/detail.html", _detail_context(request, loan) | {"problems": problems}, status=403)
    return redirect(loan)


def _done_message(loan: Loan, step: procedure.Step) -> str:
    other = loan.borrower if step.by == procedure.LENDER else loan.lender
    status = Status(step.to).label.lower()
    if step.to in FINISHED:
        return f"The loan is now {status}. {other} can see this on the loan's page."
    return f"The loan is now {status}. {other} can see it and take the next step."


# Requesting a loan


@login_required
@require_http_methods(["GET", "POST"])
def request_loan(request: HttpRequest) -> HttpResponse:
    borrowers = _editor_organisations(request.user)
    if not borrowers:
        raise PermissionDenied("Only editors at a museum can request a loan.")
    chooser = RequestLenderForm(request.GET if "lender" in request.GET else None)
    if not chooser.is_valid():
        return render(request, "loans/request_lender.html", {"form": chooser, "problems": _problems(chooser)})
    lender: Organisation = chooser.cleaned_data["lender"]
    search = request.GET.get("q", "").strip()
    lendable = CollectionObject.objects.filter(owner=lender, lendable=True)
    chosen_ids = request.POST.getlist("objects") if request.method == "POST" else []
    shown = lendable
    for word in search.split():
        shown = shown.filter(Q(accession_number__icontains=word) | Q(title__icontains=word))
    if chosen_ids:
        # Objects ticked before a search stay on the form, so they are not lost.
        shown = lendable.filter(Q(pk__in=shown.values("pk")) | Q(pk__in=[i for i in chosen_ids if i.isdigit()]))
    form = LoanRequestForm(request.POST or None, lender=lender, borrowers=borrowers, objects=shown)
    if request.method == "POST" and form.is_valid():
        data = form.loan_data() | {"reference": services.next_reference(lender)}
        try:
            loan = services.loan_create(actor=request.user, data=data, objects=list(form.cleaned_data["objects"]))
        except ValidationError as error:
            add_errors(form, error)
        else:
            warning = _notice_warning(loan)
            if warning:
                messages.warning(request, warning)
            messages.success(
                request,
                f"Request {loan.reference} drafted. Check it below, then send it: {lender} sees it once it is sent.",
            )
            return redirect(loan)
    context = {
        "form": form,
        "lender": lender,
        "lender_label": chooser.data["lender"],
        "search": search,
        "lendable_count": lendable.count(),
        "policy": LoansPolicy.objects.filter(organisation=lender).first(),
        "problems": _problems(form),
    }
    return render(request, "loans/request.html", context)


# Details, condition checks and documents


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _get_editable_loan(request, pk)
    form = LoanEditForm(request.POST or None, instance=Loan.objects.select_related("borrower").get(pk=loan.pk))
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.loan_update(loan=loan, actor=request.user, data=form.loan_data())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, "Your changes are saved." if changes else "Nothing had changed, so nothing was saved."
            )
            return redirect(loan)
    return render(request, "loans/edit.html", {"loan": loan, "form": form, "problems": _problems(form)})


@login_required
@require_http_methods(["GET", "POST"])
def condition(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _get_editable_loan(request, pk)
    initial = {"loan_object": request.GET.get("object"), "stage": request.GET.get("stage")}
    form = ConditionCheckForm(request.POST or None, loan=loan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.condition_check_record(
            loan_object=data["loan_object"],
            actor=request.user,
            stage=data["stage"],
            condition=data["condition"],
            checked_on=data["checked_on"],
            changed=data["changed"],
        )
        messages.success(
            request, f"The condition of {data['loan_object']} {Stage(data['stage']).label.lower()} is recorded."
        )
        return redirect(loan)
    return render(request, "loans/condition.html", {"loan": loan, "form": form, "problems": _problems(form)})


@login_required
@require_http_methods(["GET", "POST"])
def document(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _get_editable_loan(request, pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.loan_document_add(loan=loan, actor=request.user, **form.cleaned_data)
        messages.success(request, f"‘{form.cleaned_data['title']}’ is added to the loan’s documents.")
        return redirect(loan)
    return render(request, "loans/document.html", {"loan": loan, "form": form, "problems": _problems(form)})


@login_required
@require_GET
def document_file(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """A document, for the people who may see the loan only (never a public media address)."""
    loan = _get_visible_loan(request, pk)
    found = get_object_or_404(LoanDocument, loan=loan, pk=document_pk)
    return files.attachment(found.file)


@login_required
@require_GET
def object_image(request: HttpRequest, pk: int) -> FileResponse:
    """An object's image, for its owner's people and those who may see a loan of it; 404 for others."""
    user: Any = request.user  # signed in (login_required)
    seen = CollectionObject.objects.exclude(image="")
    if not user.is_superuser:
        seen = seen.filter(
            Q(owner__in=Membership.objects.filter(user=user).values("organisation_id"))
            | Q(pk__in=Loan.objects.visible_to(user).values("loan_objects__object_id"))
        )
    found = get_object_or_404(seen, pk=pk)
    return files.attachment(found.image)


# Documents as PDF


def _pdf(request: HttpRequest, template: str, context: dict[str, Any], name: str) -> HttpResponse:
    pdf = write_pdf(render_to_string(template, context, request=request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{exports.filename(name, extension="pdf")}"'
    return response


def _document_context(request: HttpRequest, loan: Loan) -> dict[str, Any]:
    return {
        "loan": loan,
        "objects": loan.loan_objects.select_related("object"),
        "show_valuations": request.user.has_perm("loans.view_valuations", loan.lender),
        "today": date.today(),
        "requesting": loan.status in REQUESTING,
    }


@login_required
@require_GET
def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _get_visible_loan(request, pk)
    return _pdf(
        request, "loans/pdf/agreement.html", _document_context(request, loan), f"loan agreement {loan.reference}"
    )


@login_required
@require_GET
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _get_visible_loan(request, pk)
    return _pdf(request, "loans/pdf/letter.html", _document_context(request, loan), f"loan letter {loan.reference}")


# The lender's catalogue and loans policy


def _get_own_organisation(request: HttpRequest, slug: str | None) -> Organisation:
    """One of the organisations the user edits for: the one named, or the first."""
    editable = _editor_organisations(request.user)
    if request.user.is_superuser and slug:
        return get_object_or_404(Organisation, slug=slug)
    for organisation in editable:
        if slug is None or organisation.slug == slug:
            return organisation
    raise PermissionDenied("Only editors at the organisation can change its objects and loans policy.")


@login_required
@require_GET
def objects(request: HttpRequest) -> HttpResponse:
    organisation = _get_own_organisation(request, request.GET.get("organisation"))
    search = request.GET.get("q", "").strip()
    catalogue = (
        CollectionObject.objects.filter(owner=organisation)
        .annotate(loan_count=Count("loan_objects"))
        .order_by("accession_number")
    )
    for word in search.split():
        catalogue = catalogue.filter(Q(accession_number__icontains=word) | Q(title__icontains=word))
    page = Paginator(catalogue, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "organisations": _editor_organisations(request.user),
        "page": page,
        "search": search,
        "query": urlencode({"organisation": organisation.slug, "q": search}),
    }
    return render(request, "loans/objects.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def object_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    existing = get_object_or_404(CollectionObject.objects.select_related("owner"), pk=pk) if pk else None
    organisation = existing.owner if existing else _get_own_organisation(request, request.GET.get("organisation"))
    if not request.user.has_perm("loans.change_collection_object", organisation):
        raise PermissionDenied
    instance = existing or CollectionObject(owner=organisation)
    form = CollectionObjectForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            saved = services.collection_object_save(actor=request.user, owner=organisation, data=data, obj=existing)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{saved} is saved in {organisation}’s catalogue.")
            return redirect(f"{reverse('loans:objects')}?{urlencode({'organisation': organisation.slug})}")
    context = {"organisation": organisation, "object": existing, "form": form, "problems": _problems(form)}
    return render(request, "loans/object_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("loans.change_loans_policy", organisation):
        raise PermissionDenied
    current = LoansPolicy.objects.filter(organisation=organisation).first() or LoansPolicy(organisation=organisation)
    form = LoansPolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        changes = services.loans_policy_update(actor=request.user, organisation=organisation, data=data)
        messages.success(
            request,
            "The loans policy is saved. Borrowers see it on your page and when they request a loan."
            if changes
            else "Nothing had changed, so nothing was saved.",
        )
        return redirect(organisation)
    context = {"organisation": organisation, "form": form, "problems": _problems(form)}
    return render(request, "loans/policy.html", context)


@require_GET
def for_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's loans policy for everyone, and its recent loans for its own people, loaded with htmx."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if request.headers.get("HX-Request") != "true":
        return redirect(organisation)
    user = request.user
    member = bool(user.is_authenticated and (user.is_superuser or sees_everything(user) or role_at(user, organisation)))
    recent: Any = []
    total = 0
    if member:
        # Who sees a loan is `visible_to`'s to say, here as on every list; drafts wait until sent.
        loans = Loan.objects.visible_to(user).involving(organisation).exclude(status=Status.DRAFT)
        total = loans.count()
        recent = loans.select_related("lender", "borrower").order_by("-updated_at")[:RECENT_SHOWN]
    # The sector's "details of recent loans": loans out that have gone out, for everyone to see.
    published = (
        Loan.objects.filter(lender=organisation, status__in=PUBLISHED, agreed_start__gte=date.today() - PUBLISHED_FOR)
        .select_related("borrower")
        .annotate(object_count=Count("loan_objects"))
        .order_by("-agreed_start")[:RECENT_SHOWN]
    )
    context = {
        "organisation": organisation,
        "policy": LoansPolicy.objects.filter(organisation=organisation).first(),
        "published": published,
        "member": member,
        "recent": recent,
        "total": total,
        "can_edit": user.has_perm("loans.change_loans_policy", organisation),
    }
    response = render(request, "loans/for_organisation.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
