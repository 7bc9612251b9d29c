from django.urls import path

from museumshare.programmes.views import events, opportunities, programmes, resources

app_name = "programmes"

urlpatterns = [
    # Programmes, their dashboards, participations, mentoring and displays
    path("programmes/", programmes.programme_list, name="list"),
    path("programmes/new/", programmes.programme_create, name="create"),
    path("programmes/<slug:slug>/", programmes.programme_detail, name="detail"),
    path("programmes/<slug:slug>/edit/", programmes.programme_edit, name="edit"),
    path("programmes/<slug:slug>/members/", programmes.programme_members, name="members"),
    path("programmes/<slug:slug>/dashboard/", programmes.programme_dashboard, name="dashboard"),
    path("programmes/<slug:slug>/displays/new/", programmes.display_create, name="display_create"),
    path("programmes/<slug:slug>/mentoring/new/", programmes.pair_create, name="pair_create"),
    path("mentoring/<int:pk>/", programmes.pair_detail, name="mentoring"),
    path("participations/<int:pk>/", programmes.participation_detail, name="participation"),
    path("opportunities/<int:pk>/participants/new/", programmes.participation_record, name="participation_record"),
    # Opportunities and applications
    path("opportunities/", opportunities.opportunity_board, name="board"),
    path("opportunities/new/", opportunities.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/", opportunities.opportunity_detail, name="opportunity"),
    path("opportunities/<int:pk>/edit/", opportunities.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/apply/", opportunities.application_apply, name="apply"),
    path("opportunities/<int:pk>/applications/", opportunities.applications_for, name="applications_for"),
    path("applications/", opportunities.my_applications, name="my_applications"),
    path("applications/<int:pk>/", opportunities.application_detail, name="application"),
    path("applications/<int:pk>/notes/", opportunities.application_notes, name="application_notes"),
    path("applications/<int:pk>/<str:status>/", opportunities.application_move, name="application_move"),
    # Events, minutes and actions
    path("events/", events.event_list, name="events"),
    path("events/new/", events.event_create, name="event_create"),
    path("events/<int:pk>/", events.event_detail, name="event"),
    path("events/<int:pk>/edit/", events.event_edit, name="event_edit"),
    path("events/<int:pk>/register/", events.event_register, name="event_register"),
    path("events/<int:pk>/unregister/", events.event_unregister, name="event_unregister"),
    path("events/<int:pk>/attendance/", events.event_attendance, name="event_attendance"),
    path("events/<int:pk>/minutes/", events.event_minutes, name="event_minutes"),
    path("actions/<int:pk>/", events.action_update, name="action_update"),
    # The knowledge-exchange library
    path("resources/", resources.resource_list, name="resources"),
    path("resources/new/", resources.resource_create, name="resource_create"),
    path("resources/<int:pk>/", resources.resource_detail, name="resource"),
    path("resources/<int:pk>/file/", resources.resource_file, name="resource_file"),
    path("resources/<int:pk>/edit/", resources.resource_edit, name="resource_edit"),
    path("resources/<int:pk>/delete/", resources.resource_delete, name="resource_delete"),
]
