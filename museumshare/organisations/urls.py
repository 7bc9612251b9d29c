from django.urls import path

from museumshare.organisations import views

app_name = "organisations"

urlpatterns = [
    path("organisations/", views.directory, name="directory"),
    path("organisations/lookup/", views.lookup, name="lookup"),
    path("national-museums/", views.national_museums, name="national_museums"),
    path("organisations/<slug:slug>/", views.detail, name="detail"),
    path("organisations/<slug:slug>/edit/", views.edit_offer, name="edit_offer"),
    path("organisations/<slug:slug>/messages/", views.accept_messages, name="accept_messages"),
    path("organisations/<slug:slug>/contacts/", views.contacts, name="contacts"),
    path("organisations/<slug:slug>/contacts/<int:pk>/", views.edit_contact, name="edit_contact"),
    path("organisations/<slug:slug>/contacts/<int:pk>/delete/", views.delete_contact, name="delete_contact"),
]
