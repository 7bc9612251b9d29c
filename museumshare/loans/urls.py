from django.urls import URLPattern, path

from museumshare.loans import views

app_name = "loans"

urlpatterns: list[URLPattern] = [
    path("loans/", views.loan_list, name="list"),
    path("loans/request/", views.request_loan, name="request"),
    path("loans/objects/", views.objects, name="objects"),
    path("loans/objects/new/", views.object_edit, name="object_add"),
    path("loans/objects/<int:pk>/edit/", views.object_edit, name="object_edit"),
    path("loans/objects/<int:pk>/image/", views.object_image, name="object_image"),
    path("loans/policy/<slug:slug>/", views.policy, name="policy"),
    path("loans/<int:pk>/renewal/", views.renewal, name="renewal"),
    path("loans/<int:pk>/", views.detail, name="detail"),
    path("loans/<int:pk>/edit/", views.edit, name="edit"),
    path("loans/<int:pk>/steps/<str:to>/", views.take_step, name="step"),
    path("loans/<int:pk>/condition/", views.condition, name="condition"),
    path("loans/<int:pk>/documents/new/", views.document, name="document"),
    path("loans/<int:pk>/documents/<int:document_pk>/", views.document_file, name="document_file"),
    path("loans/<int:pk>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("loans/<int:pk>/letter.pdf", views.letter_pdf, name="letter_pdf"),
    path("organisations/<slug:slug>/loans/", views.for_organisation, name="for_organisation"),
]
