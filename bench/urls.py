"""The API benchmark's reference views, mounted at /bench/ when BENCH_VIEWS=1."""

from django.urls import path

from bench import naive, views

urlpatterns = [
    path("empty", views.empty),
    path("floor/proposals/", views.proposals),
    path("floor/proposals/<int:pk>/", views.proposal),
    path("floor/offers/", views.offers),
    path("floor/needs/", views.needs),
    path("naive/proposals/", naive.Proposals.as_view()),
    path("naive/proposals/<int:pk>/", naive.OneProposal.as_view()),
    path("naive/offers/", naive.Offers.as_view()),
    path("naive/needs/", naive.Needs.as_view()),
]
