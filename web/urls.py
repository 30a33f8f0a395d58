"""The console's and the public pages' addresses."""

from django.urls import path

from web.views import (
    accounts,
    members,
    memberships,
    need_page,
    needs,
    organizations,
    partnerships,
    public,
    records,
    review,
    runs,
)

app_name = "web"

urlpatterns = [
    path("", public.home, name="home"),
    path("needs/", public.needs, name="needs"),
    path("needs/<int:need_id>/", need_page.need_detail, name="need"),
    path("needs/<int:need_id>/endorse/", need_page.endorse, name="endorse"),
    path("offers/", public.offers, name="offers"),
    path("partnerships/", public.partnerships, name="partnerships"),
    path("dashboard/", public.dashboard, name="dashboard"),
    path("partnerships/<int:partnership_id>/", partnerships.detail, name="partnership"),
    path(
        "partnerships/<int:partnership_id>/reports/",
        partnerships.file_report,
        name="file-report",
    ),
    path(
        "partnerships/<int:partnership_id>/reports/<int:report_id>/comments/",
        partnerships.comment_on_report,
        name="comment-on-report",
    ),
    path(
        "partnerships/<int:partnership_id>/reports/<int:report_id>/approve/",
        partnerships.approve_report,
        name="approve-report",
    ),
    path(
        "partnerships/<int:partnership_id>/reports/<int:report_id>/return/",
        partnerships.return_report,
        name="return-report",
    ),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/logout/", accounts.SignOutView.as_view(), name="logout"),
    path("accounts/register/", accounts.register, name="register"),
    path("accounts/password/", accounts.ChangePasswordView.as_view(), name="password"),
    path("console/", members.home, name="console"),
    path("console/review/", review.queue, name="queue"),
    path("console/proposals/<int:proposal_id>/", review.proposal, name="proposal"),
    path("console/proposals/<int:proposal_id>/accept/", review.accept, name="accept"),
    path("console/proposals/<int:proposal_id>/reject/", review.reject, name="reject"),
    path("console/proposals/<int:proposal_id>/revoke/", review.revoke, name="revoke"),
    path("console/proposals/<int:proposal_id>/confirm/", review.confirm, name="confirm"),
    path("console/proposals/<int:proposal_id>/decline/", review.decline, name="decline"),
    path("console/proposals/<int:proposal_id>/comments/", review.comment, name="comment"),
    path("console/runs/", runs.run_list, name="runs"),
    path("console/runs/<int:run_id>/", runs.run_detail, name="run"),
    path("console/organizations/", organizations.to_verify, name="to-verify"),
    path(
        "console/organizations/<int:organization_id>/verify/",
        organizations.verify,
        name="verify",
    ),
    path(
        "console/organizations/<int:organization_id>/members/",
        memberships.members,
        name="members",
    ),
    path(
        "console/organizations/<int:organization_id>/members/<int:user_id>/remove/",
        memberships.remove,
        name="remove-member",
    ),
    path("console/my-proposals/", members.my_proposals, name="my-proposals"),
    path("console/offers/", members.my_offers, name="my-offers"),
    path("console/offers/new/", records.new_offer, name="new-offer"),
    path("console/organizations/new/", records.new_organization, name="new-organization"),
    path("console/offers/<int:offer_id>/edit/", records.edit_offer, name="edit-offer"),
    path("console/offers/<int:offer_id>/publish/", members.publish_offer, name="publish-offer"),
    path("console/offers/<int:offer_id>/withdraw/", members.withdraw_offer, name="withdraw-offer"),
    path("console/needs/", members.my_needs, name="my-needs"),
    path("console/needs/new/", needs.new_need, name="new-need"),
    path("console/needs/<int:need_id>/edit/", needs.edit_need, name="edit-need"),
    path("console/needs/<int:need_id>/publish/", needs.publish_need, name="publish-need"),
    path("console/needs/<int:need_id>/cancel/", needs.cancel_need, name="cancel-need"),
]
