"""Pages of the annual data collection: an organisation's returns, completing one (on the web or in
a spreadsheet), checking and submitting it, the analysts' review, and the reporting years with each
year's progress."""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from museumshare.core import exports, years
from museumshare.core.forms import add_errors
from museumshare.core.services import Refused
from museumshare.organisations.models import Organisation
from museumshare.returns import services
from museumshare.returns.forms import (
    ApproveForm,
    ReturnForm,
    SendBackForm,
    SubmitForm,
    UploadForm,
    YearCreateForm,
    YearEditForm,
    note_name,
    number,
    reason_name,
)
from museumshare.returns.models import (
    EDITABLE,
    Indicator,
    ReportingYear,
    Return,
    ReturnStatus,
    ReturnValue,
    Section,
    Source,
    YearStatus,
)

PROGRESS_HEADER = ["organisation", "status", "submitted", "submitted_by", "approved", "approved_by", "web_address"]
# Publishing is the report's step (reports:publish): it publishes the year and freezes its report together.
STEPS = ("open", "close")


# Fetching what the user may see


def _get_year(year: str) -> ReportingYear:
    try:
        number_ = years.parse(year)
    except ValueError:
        raise Http404 from None
    return get_object_or_404(ReportingYear, year=number_)


def _get_visible_return(request: HttpRequest, year: str, organisation: str) -> Return:
    """The return, or 404 for anyone who may not see it: nobody learns that it exists."""
    try:
        number_ = years.parse(year)
    except ValueError:
        raise Http404 from None
    returns = Return.objects.select_related("year", "organisation", "submitted_by", "approved_by")
    return_ = get_object_or_404(returns, year__year=number_, organisation__slug=organisation)
    if not request.user.has_perm("returns.view_return", return_):
        raise Http404
    return return_


def _may_change(user: Any, return_: Return) -> bool:
    return bool(user.has_perm("returns.change_return", return_) and return_.is_editable())


def _get_editable_return(request: HttpRequest, year: str, organisation: str) -> Return:
    return_ = _get_visible_return(request, year, organisation)
    if not request.user.has_perm("returns.change_return", return_):
        raise PermissionDenied("Only editors at the organisation can change its return.")
    return return_


def _closed(request: HttpRequest, return_: Return) -> HttpResponse:
    """Why a return the user could otherwise change cannot be changed now."""
    return render(request, "returns/not_editable.html", {"return": return_}, status=403)


def _get_year_for_analyst(request: HttpRequest, year: str) -> ReportingYear:
    if not request.user.has_perm("returns.manage_years"):
        raise PermissionDenied("Only analysts can run the collection.")
    return _get_year(year)


# The values of a return, as every page shows them


@dataclass
class Row:
    """One indicator's line in a return, in words and numbers ready to show."""

    indicator: Indicator
    value: ReturnValue
    warning: str = ""
    error: str = ""

    @property
    def shown(self) -> str:
        return number(self.value.value)

    @property
    def register(self) -> str:
        return number(self.value.derived)

    @property
    def differs(self) -> bool:
        return self.value.differs()

    @property
    def difference(self) -> str:
        """How the value differs from the register's, in words."""
        value, derived = self.value.value, self.value.derived
        if value is None or derived is None or value == derived:
            return ""
        more = value > derived
        return f"{number(abs(value - derived))} {'more' if more else 'fewer'} than the register’s {number(derived)}"


def _values(return_: Return) -> list[ReturnValue]:
    return list(return_.values.select_related("indicator").order_by("indicator__position", "indicator__code"))


def _sections(rows: list[Any], indicator_of: Any = lambda row: row.indicator) -> list[dict[str, Any]]:
    """`rows` grouped by their indicator's section, in the order of the return."""
    grouped: dict[str, list[Any]] = {}
    for row in rows:
        grouped.setdefault(indicator_of(row).section, []).append(row)
    return [
        {"code": section.value, "title": section.label, "rows": grouped[section.value]}
        for section in Section
        if section.value in grouped
    ]


def _rows(return_: Return, check: services.Check | None = None) -> list[Row]:
    check = check or services.Check()
    return [
        Row(
            indicator=value.indicator,
            value=value,
            warning=check.warnings.get(value.indicator.code, ""),
            error=check.errors.get(value.indicator.code, ""),
        )
        for value in _values(return_)
    ]


def _deadline_words(return_: Return) -> str:
    deadline = return_.year.deadline
    return f" by {deadline:%-d %B %Y}" if deadline else ""


def _next_step(user: Any, return_: Return) -> str:
    """What happens next to the return, for `user`, in a sentence."""
    status, year = return_.status, return_.year
    if status in EDITABLE:
        if not year.is_open():
            return f"Not submitted: {year.label} is {year.get_status_display().lower()}."
        again = " again" if status == ReturnStatus.RETURNED else ""
        if user.has_perm("returns.change_return", return_):
            if status == ReturnStatus.RETURNED:
                return f"Make the changes asked for and submit it{again}{_deadline_words(return_)}."
            return f"Complete and submit by {year.deadline:%-d %B %Y}." if year.deadline else "Complete and submit it."
        return f"Waiting for the organisation’s editors to complete and submit it{again}{_deadline_words(return_)}."
    if status == ReturnStatus.SUBMITTED:
        return "Waiting for an analyst to review it."
    if year.status == YearStatus.PUBLISHED:
        return "Approved and published."
    return f"Approved: nothing more to do. It is published with {year.label}’s figures."


def _actions(user: Any, return_: Return) -> dict[str, bool]:
    changeable = _may_change(user, return_)
    return {
        "can_change": changeable,
        "can_review": bool(user.has_perm("returns.review_return", return_) and return_.awaits_review()),
    }


# The organisation's side


@login_required
@require_GET
def return_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    own = list(
        Return.objects.filter(organisation__memberships__user=user)
        .select_related("year", "organisation")
        .order_by("-year__year", "organisation__name")
        .distinct()
    )
    by_year: dict[ReportingYear, list[dict[str, Any]]] = {}
    for return_ in own:
        by_year.setdefault(return_.year, []).append({"return": return_, "next": _next_step(user, return_)})
    reviewer = user.has_perm("returns.manage_years")
    waiting = (
        list(
            Return.objects.filter(status=ReturnStatus.SUBMITTED)
            .select_related("year", "organisation")
            .order_by("submitted_at")
        )
        if reviewer
        else []
    )
    context = {
        "years": list(by_year.items()),
        "reviewer": reviewer,
        "waiting": waiting,
        "member": user.memberships.exists(),
    }
    return render(request, "returns/list.html", context)


@require_GET
def return_detail(request: HttpRequest, year: str, organisation: str) -> HttpResponse:
    return_ = _get_visible_return(request, year, organisation)
    check = services.return_check(return_) if return_.status in (*EDITABLE, ReturnStatus.SUBMITTED) else None
    rows = _rows(return_, check)
    # Who did what, and what they said, is for the organisation and the analysts, not the public.
    insider = request.user.has_perm("returns.view_review", return_)
    context = {
        "return": return_,
        "sections": _sections(rows),
        "warnings": [row for row in rows if row.warning],
        "missing": len(check.errors) if check else 0,
        "insider": insider,
        "events": return_.events.select_related("actor") if insider else [],
        "next": _next_step(request.user, return_),
        **_actions(request.user, return_),
    }
    return render(request, "returns/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def return_edit(request: HttpRequest, year: str, organisation: str) -> HttpResponse:
    return_ = _get_editable_return(request, year, organisation)
    if not return_.is_editable():
        return _closed(request, return_)
    values = _values(return_)
    form = ReturnForm(request.POST or None, rows=values, initial={"comments": return_.comments})
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.return_save(
                return_=return_, actor=request.user, entries=form.entries(), comments=form.cleaned_data["comments"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if changes:
                messages.success(
                    request,
                    "Your return is saved as a draft. When every figure is in, check and submit it.",
                )
            else:
                messages.info(request, "Nothing had changed, so nothing was saved.")
            return redirect(return_)
    sections = _sections(
        [
            {
                "value": value,
                "indicator": value.indicator,
                "register": number(value.derived),
                "field": form[value.indicator.code],
                "reason": form[reason_name(value.indicator.code)],
                "note": form[note_name(value.indicator.code)],
                "open": _open(form, value),
            }
            for value in values
        ],
        indicator_of=lambda row: row["indicator"],
    )
    return render(request, "returns/edit.html", {"return": return_, "form": form, "sections": sections})


def _open(form: ReturnForm, value: ReturnValue) -> bool:
    """Whether an indicator's reason and note show at first: when either has something to say."""
    code = value.indicator.code
    names = (code, reason_name(code), note_name(code))
    given = any(str(form[name].value() or "").strip() for name in names[1:])
    return given or value.differs() or any(form[name].errors for name in names)


@login_required
@require_http_methods(["GET", "POST"])
def return_submit(request: HttpRequest, year: str, organisation: str) -> HttpResponse:
    return_ = _get_editable_return(request, year, organisation)
    if not return_.is_editable():
        return _closed(request, return_)
    form = SubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_submit(return_=return_, actor=request.user, comment=form.cleaned_data["comment"])
        except Refused:
            messages.error(request, "Your return cannot be submitted yet: put right the problems below first.")
        else:
            messages.success(
                request,
                f"Your {return_.year.label} return is submitted. An analyst will review it; your partnership "
                "leads get an email when it is approved or if it is returned for changes.",
            )
            return redirect(return_)
    check = services.return_check(return_)
    rows = _rows(return_, check)
    context = {
        "return": return_,
        "form": form,
        "sections": _sections(rows),
        "errors": [row for row in rows if row.error],
        "warnings": [row for row in rows if row.warning],
    }
    return render(request, "returns/submit.html", context)


@login_required
@require_POST
def return_refresh(request: HttpRequest, year: str, organisation: str) -> HttpResponse:
    """Put the register's current values beside the return's, and take them wherever nobody changed one."""
    return_ = _get_editable_return(request, year, organisation)
    if not return_.is_editable():
        return _closed(request, return_)
    changed = services.return_prefill(return_=return_, actor=request.user)
    if changed:
        messages.success(
            request,
            f"{changed:,} value{'s' if changed != 1 else ''} updated from the register. "
            "Values you entered yourself are kept; the register’s figure is shown beside them.",
        )
    else:
        messages.info(request, "The register gives the same figures as before, so nothing changed.")
    return redirect(return_)


@require_GET
def return_spreadsheet(request: HttpRequest, year: str, organisation: str) -> HttpResponse:
    # Imported here: the spreadsheet module is the heaviest part of the app, and only these pages need it.
    from museumshare.returns import spreadsheet

    return_ = _get_visible_return(request, year, organisation)
    response = HttpResponse(spreadsheet.workbook(return_), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{spreadsheet.filename(return_)}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def return_upload(request: HttpRequest, year: str, organisation: str) -> HttpResponse:
    from museumshare.returns import spreadsheet

    return_ = _get_editable_return(request, year, organisation)
    if not return_.is_editable():
        return _closed(request, return_)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            entries = spreadsheet.read(return_, form.cleaned_data["file"].read())
            changes = services.return_save(return_=return_, actor=request.user, entries=entries, source=Source.IMPORTED)
        except spreadsheet.UploadRejected as rejected:
            for problem in rejected.problems:
                form.add_error("file", problem)
        except ValidationError as error:
            names = dict(Indicator.objects.values_list("code", "name"))
            for code, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error("file", f"{names[code]}: {problem}" if code in names else problem)
        else:
            changed = len({key.split(".")[0] for key in changes if "." in key})
            messages.success(
                request,
                f"{len(entries):,} value{'s' if len(entries) != 1 else ''} saved from the spreadsheet "
                f"({changed:,} changed). Check them below, then check and submit the return.",
            )
            return redirect(return_)
    return render(request, "returns/upload.html", {"return": return_, "form": form})


# The analysts' side: reviewing a return


@login_required
@require_http_methods(["GET", "POST"])
def return_review(request: HttpRequest, year: str, organisation: str) -> HttpResponse:
    return_ = _get_visible_return(request, year, organisation)
    if not request.user.has_perm("returns.review_return", return_):
        raise PermissionDenied("Only analysts can review returns.")
    if not return_.awaits_review():
        messages.info(request, f"This return is {return_.get_status_display().lower()}, not waiting for review.")
        return redirect(return_)
    action = request.POST.get("action") if request.method == "POST" else None
    approve = ApproveForm(request.POST if action == "approve" else None, prefix="approve")
    send_back = SendBackForm(request.POST if action == "send_back" else None, prefix="send_back")
    form = approve if action == "approve" else send_back
    if action in ("approve", "send_back") and form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if action == "approve":
                services.return_approve(return_=return_, actor=request.user, comment=comment)
            else:
                services.return_send_back(return_=return_, actor=request.user, comment=comment)
        except Refused as refused:
            add_errors(form, refused)
        else:
            if action == "approve":
                messages.success(
                    request, f"{return_.organisation}’s return is approved. Its partnership leads get an email."
                )
            else:
                messages.success(
                    request,
                    f"{return_.organisation}’s return is returned for changes. Its partnership leads get an email "
                    "with your comments, and it comes back to you when they submit it again.",
                )
            return redirect(reverse("returns:year", args=[return_.year.slug]))
    check = services.return_check(return_)
    rows = _rows(return_, check)
    context = {
        "return": return_,
        "approve": approve,
        "send_back": send_back,
        "form": form if action else None,
        "sections": _sections(rows),
        "differences": [row for row in rows if row.differs],
        "warnings": [row for row in rows if row.warning],
        "events": return_.events.select_related("actor"),
    }
    return render(request, "returns/review.html", context)


# The analysts' side: the reporting years


def _counts(year_ids: list[int]) -> dict[int, Counter[str]]:
    counts: dict[int, Counter[str]] = {pk: Counter() for pk in year_ids}
    grouped = Return.objects.filter(year__in=year_ids).values("year_id", "status").annotate(n=Count("id"))
    for row in grouped:
        counts[row["year_id"]][row["status"]] = row["n"]
    return counts


def _status_counts(counter: Counter[str]) -> list[dict[str, Any]]:
    return [
        {"status": status.value, "label": status.label, "count": counter[status.value]}
        for status in ReturnStatus
        if counter[status.value]
    ]


@login_required
@require_GET
def year_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("returns.manage_years"):
        raise PermissionDenied("Only analysts can run the collection.")
    reporting_years = list(ReportingYear.objects.annotate(asked=Count("organisations")).order_by("-year"))
    counts = _counts([y.pk for y in reporting_years])
    rows = [{"year": y, "counts": _status_counts(counts[y.pk])} for y in reporting_years]
    return render(request, "returns/year_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def year_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("returns.manage_years"):
        raise PermissionDenied("Only analysts can run the collection.")
    form = YearCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            year = services.year_create(
                actor=request.user, year=data["year"], deadline=data["deadline"], organisations=data["organisations"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"{year.label} is added, not yet open. Open it when you are ready: each organisation asked then "
                "gets its return, prefilled from the register.",
            )
            return redirect(year)
    return render(request, "returns/year_form.html", {"form": form, "year": None})


def _progress(year: ReportingYear) -> list[dict[str, Any]]:
    """Every organisation asked for a return in `year`, and any other with a return, with its return."""
    returns = {
        r.organisation_id: r
        for r in year.returns.select_related("organisation", "submitted_by", "approved_by").order_by(
            "organisation__name"
        )
    }
    asked = list(year.organisations.order_by("name"))
    asked_ids = {organisation.pk for organisation in asked}
    others = [r.organisation for r in returns.values() if r.organisation_id not in asked_ids]
    return [
        {"organisation": organisation, "return": returns.get(organisation.pk), "asked": organisation.pk in asked_ids}
        for organisation in sorted([*asked, *others], key=lambda o: o.name)
    ]


def _progress_row(request: HttpRequest, row: dict[str, Any]) -> list[Any]:
    return_: Return | None = row["return"]
    organisation: Organisation = row["organisation"]
    if return_ is None:
        return [organisation.name, "Not started", None, "", None, "", ""]
    return [
        organisation.name,
        return_.get_status_display(),
        return_.submitted_at.date() if return_.submitted_at else None,
        str(return_.submitted_by or ""),
        return_.approved_at.date() if return_.approved_at else None,
        str(return_.approved_by or ""),
        request.build_absolute_uri(return_.get_absolute_url()),
    ]


@login_required
@require_GET
def year_detail(request: HttpRequest, year: str) -> HttpResponse:
    """The year's progress: every organisation asked, and how far its return has got."""
    reporting_year = _get_year_for_analyst(request, year)
    rows = _progress(reporting_year)
    fmt = request.GET.get("download")
    if fmt in exports.FORMATS:
        return exports.download(
            fmt=fmt,
            name_parts=["returns", reporting_year.slug],
            header=PROGRESS_HEADER,
            rows=(_progress_row(request, row) for row in rows),
        )
    counter = Counter(row["return"].status for row in rows if row["return"])
    not_started = sum(1 for row in rows if row["return"] is None)
    context = {
        "year": reporting_year,
        "rows": rows,
        "counts": _status_counts(counter),
        "not_started": not_started,
        "steps": _steps(reporting_year),
    }
    return render(request, "returns/year_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def year_edit(request: HttpRequest, year: str) -> HttpResponse:
    reporting_year = _get_year_for_analyst(request, year)
    form = YearEditForm(request.POST or None, year=reporting_year)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.year_update(year=reporting_year, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, "Your changes are saved." if changes else "Nothing had changed, so nothing was saved."
            )
            return redirect(reporting_year)
    return render(request, "returns/year_form.html", {"form": form, "year": reporting_year})


def _steps(year: ReportingYear) -> list[dict[str, str]]:
    """The steps the year can take now, each a button on its progress page."""
    steps = []
    if year.may_open():
        again = year.status == YearStatus.CLOSED
        steps.append({"step": "open", "label": "Open again" if again else "Open for returns"})
    if year.is_open():
        steps.append({"step": "close", "label": "Close the year"})
    return steps


def _returns(n: int, kind: str) -> str:
    """'the 18 approved returns', 'the 1 approved return', or 'no approved returns'."""
    return f"the {n:,} {kind} return{'s' if n != 1 else ''}" if n else f"no {kind} returns"


def _what_happens(year: ReportingYear, step: str) -> dict[str, Any]:
    """What taking `step` will do to `year`, in words, for its confirmation page."""
    counter = Counter(year.returns.values_list("status", flat=True))
    asked = year.organisations.count()
    approved, locked = counter[ReturnStatus.APPROVED], counter[ReturnStatus.LOCKED]
    not_submitted = sum(counter[s] for s in EDITABLE)
    unfinished = not_submitted + counter[ReturnStatus.SUBMITTED]
    deadline = f" The deadline is {year.deadline:%-d %B %Y}." if year.deadline else " It has no deadline yet."
    if step == "open" and year.status == YearStatus.CLOSED:
        return {
            "title": f"Open {year.label} again",
            "button": "Open the year again",
            "points": [
                f"Opening again unlocks {_returns(locked, 'locked')}: they become approved, as they were before "
                "the year closed, and lock again when you close it.",
                f"Organisations can change and submit {_returns(not_submitted, 'unsubmitted')} again.{deadline}",
            ],
        }
    if step == "open":
        return {
            "title": f"Open {year.label} for returns",
            "button": "Open for returns",
            "points": [
                f"Opening asks the {asked:,} organisation{'s' if asked != 1 else ''} ticked for the year for a "
                "return. Each gets its return at once, prefilled from the register, and its editors can complete "
                f"and submit it.{deadline}",
                "The partnership leads of returns not yet submitted get reminders before the deadline.",
            ],
        }
    return {
        "title": f"Close {year.label}",
        "button": "Close the year",
        "points": [
            f"Closing locks {_returns(approved, 'approved')}: their figures become final.",
            f"Organisations can no longer change {_returns(unfinished, 'unapproved')}. You can still approve "
            "those submitted; they lock when you do.",
            "You can open the year again if you need to.",
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
def year_step(request: HttpRequest, year: str, step: str) -> HttpResponse:
    reporting_year = _get_year_for_analyst(request, year)
    if step not in STEPS:
        raise Http404
    if step not in {s["step"] for s in _steps(reporting_year)}:
        messages.info(
            request,
            f"{reporting_year.label} is {reporting_year.get_status_display().lower()}: it cannot be {_done(step)} now.",
        )
        return redirect(reporting_year)
    if request.method == "GET":
        context = {"year": reporting_year, "step": step, **_what_happens(reporting_year, step)}
        return render(request, "returns/year_step.html", context)
    try:
        if step == "open":
            started = services.year_open(year=reporting_year, actor=request.user)
            message = (
                f"{reporting_year.label} is open for returns: {started:,} return{'s' if started != 1 else ''} "
                "started, prefilled from the register. The organisations’ editors can complete and submit them now."
            )
        else:
            locked = services.year_close(year=reporting_year, actor=request.user)
            message = (
                f"{reporting_year.label} is closed: {locked:,} approved return{'s' if locked != 1 else ''} locked. "
                "Publish its report when its figures are ready to be seen."
            )
    except Refused as refused:
        for problem in refused.messages:
            messages.error(request, problem)
    else:
        messages.success(request, message)
    return redirect(reporting_year)


def _done(step: str) -> str:
    return {"open": "opened", "close": "closed"}[step]
