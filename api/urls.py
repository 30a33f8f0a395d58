"""API v1 routes."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from api.views.auth import (
    LogoutAllView,
    LogoutView,
    PasswordChangeView,
    RegisterView,
    TokenView,
)
from api.views.exports import (
    HsdsOrganizationsExport,
    HxlNeedsExport,
    HxlOffersExport,
    HxlPartnershipsExport,
    IatiActivitiesExport,
    IatiOrganisationExport,
)
from api.views.imports import (
    ImportJobConfirm,
    ImportJobDetail,
    NeedImport,
    NeedImportTemplate,
    OfferImport,
    OfferImportTemplate,
    OrganizationImport,
    OrganizationImportTemplate,
)
from api.views.list_exports import ListExport
from api.views.matching import MatchRunViewSet, ProposalViewSet
from api.views.needs import NeedViewSet
from api.views.notification_preferences import PreferenceView
from api.views.notifications import NotificationViewSet
from api.views.offers import OfferViewSet
from api.views.organizations import OrganizationViewSet
from api.views.partnerships import CoverageView, PartnershipViewSet
from api.views.taxonomy import (
    CategoryViewSet,
    FocusAreaViewSet,
    SdgGoalViewSet,
    SdgTargetViewSet,
    VulnerableGroupViewSet,
)
from api.views.webhooks import WebhookViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("offers", OfferViewSet, basename="offer")
router.register("needs", NeedViewSet, basename="need")
router.register("match-runs", MatchRunViewSet, basename="match-run")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("partnerships", PartnershipViewSet, basename="partnership")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("taxonomy/categories", CategoryViewSet, basename="category")
router.register("taxonomy/focus-areas", FocusAreaViewSet, basename="focus-area")
router.register("taxonomy/vulnerable-groups", VulnerableGroupViewSet, basename="vulnerable-group")
router.register("taxonomy/sdg-goals", SdgGoalViewSet, basename="sdg-goal")
router.register("taxonomy/sdg-targets", SdgTargetViewSet, basename="sdg-target")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/register/", RegisterView.as_view(), name="auth-register"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all/", LogoutAllView.as_view(), name="auth-logout-all"),
    path("auth/password/", PasswordChangeView.as_view(), name="auth-password"),
    path("stats/coverage/", CoverageView.as_view(), name="stats-coverage"),
    path("exports/iati-activities/", IatiActivitiesExport.as_view(), name="export-iati-activities"),
    path(
        "exports/iati-organisation/",
        IatiOrganisationExport.as_view(),
        name="export-iati-organisation",
    ),
    path("exports/hxl/offers/", HxlOffersExport.as_view(), name="export-hxl-offers"),
    path("exports/hxl/needs/", HxlNeedsExport.as_view(), name="export-hxl-needs"),
    path(
        "exports/hxl/partnerships/",
        HxlPartnershipsExport.as_view(),
        name="export-hxl-partnerships",
    ),
    path(
        "exports/hsds/organizations/",
        HsdsOrganizationsExport.as_view(),
        name="export-hsds-organizations",
    ),
    path("exports/lists/<str:name>/", ListExport.as_view(), name="export-list"),
    path("imports/offers/", OfferImport.as_view(), name="import-offers"),
    path("imports/offers/template/", OfferImportTemplate.as_view(), name="import-offers-template"),
    path("imports/needs/", NeedImport.as_view(), name="import-needs"),
    path("imports/needs/template/", NeedImportTemplate.as_view(), name="import-needs-template"),
    path("imports/organizations/", OrganizationImport.as_view(), name="import-organizations"),
    path("imports/jobs/<int:job_id>/", ImportJobDetail.as_view(), name="import-job"),
    path(
        "imports/jobs/<int:job_id>/confirm/",
        ImportJobConfirm.as_view(),
        name="confirm-import-job",
    ),
    path(
        "imports/organizations/template/",
        OrganizationImportTemplate.as_view(),
        name="import-organizations-template",
    ),
    path("notifications/preferences/", PreferenceView.as_view(), name="notification-preferences"),
    path("", include(router.urls)),
]
