"""The API benchmark's URL configuration: the product's (config/urls.py) with the reference views
under /bench/. Only the benchmark's server uses it (bench/wsgi.py); the product never names it."""

from django.urls import include, path

from bench import naive, views
from config import urls as product

reference_views = [
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

urlpatterns = [
    path("", include(product)),
    path("bench/", include(reference_views)),
]

# The product's problem-details answers for errors, as on its own server.
handler400 = product.handler400
handler403 = product.handler403
handler404 = product.handler404
handler500 = product.handler500
