from django.urls import path

from communitygate.admissions import views

app_name = "decisions"

urlpatterns = [
    path("", views.decisions_page, name="list"),
    path("<str:number>/", views.decision_detail, name="detail"),
]
