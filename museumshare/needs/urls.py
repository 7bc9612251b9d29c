from django.urls import path

from museumshare.needs import views

app_name = "needs"

urlpatterns = [
    path("needs/", views.need_board, name="board"),
    path("needs/new/", views.need_create, name="create"),
    path("needs/figures/", views.needs_figures, name="figures"),
    path("needs/<int:pk>/", views.need_detail, name="detail"),
    path("needs/<int:pk>/edit/", views.need_edit, name="edit"),
    path("needs/<int:pk>/withdraw/", views.need_withdraw, name="withdraw"),
    path("needs/<int:pk>/reopen/", views.need_reopen, name="reopen"),
    path("needs/<int:pk>/conversation/", views.conversation_start, name="converse"),
    path("needs/<int:pk>/met/", views.need_met, name="met"),
    path("needs/offers/", views.offer_board, name="offers"),
    path("needs/offers/new/", views.offer_create, name="offer_create"),
    path("needs/offers/<int:pk>/", views.offer_detail, name="offer"),
    path("needs/offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("needs/offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
    path("needs/offers/<int:pk>/reopen/", views.offer_reopen, name="offer_reopen"),
    path("organisations/<slug:slug>/needs/", views.for_organisation, name="for_organisation"),
]
