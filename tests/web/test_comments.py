"""Comments on proposals and progress reports: who may write them (the comment service), the API
and the console pages; bad input is refused and writes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from matching.models import Comment, Proposal
from registry.models import Endorsement
from tests.factories import UserFactory
from tests.web.scenario import build_scenario
from tests.web.test_pages import formed, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return build_scenario()


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def endorse(catalogue) -> None:
    community = catalogue.community_editor.memberships.get().organization
    Endorsement.objects.create(need=catalogue.need, organization=community)


def test_who_comments_on_a_proposal_through_the_api(catalogue):
    url = f"/api/v1/proposals/{catalogue.proposal.pk}/comments/"
    body = {"body": "Can the laptops arrive before the term?"}
    community = api(catalogue.community_editor)
    assert community.get(url).status_code == 404  # its organization did not endorse the need
    assert community.post(url, body, format="json").status_code == 404
    assert api(UserFactory(username="stranger")).post(url, body, format="json").status_code == 404
    assert APIClient().get(url).status_code == 401
    assert not Comment.objects.exists()

    endorse(catalogue)
    blank = community.post(url, {"body": "   "}, format="json")
    assert blank.status_code == 400 and blank["Content-Type"] == "application/problem+json"
    other = catalogue.ngo_editor.memberships.get().organization
    foreign = community.post(url, {**body, "organization": other.pk}, format="json")
    assert foreign.status_code == 400
    assert not Comment.objects.exists()

    created = community.post(url, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["author"] == "community.editor"
    assert api(catalogue.ngo_editor).post(url, {"body": "Yes."}, format="json").status_code == 201
    assert (
        api(catalogue.coordinator).post(url, {"body": "Noted."}, format="json").status_code == 201
    )
    listed = api(catalogue.government_editor).get(url)
    assert [row["body"] for row in listed.json()] == [body["body"], "Yes.", "Noted."]
    assert listed.json()[2]["organization"] is None


def test_a_coordinator_comments_on_the_proposal_page_and_a_blank_comment_is_refused(catalogue):
    url = f"/console/proposals/{catalogue.proposal.pk}/"
    coordinator = signed_in(catalogue.coordinator)
    assert b'id="id_comment-body"' in coordinator.get(url).content
    refused = coordinator.post(url + "comments/", {"comment-body": "  "})
    assert refused.status_code == 400
    assert b'href="#id_comment-body"' in refused.content
    assert not Comment.objects.exists()
    assert coordinator.post(url + "comments/", {"comment-body": "Check the delivery dates."})[
        "Location"
    ] == (url)
    assert "Check the delivery dates." in signed_in(catalogue.ngo_editor).get(url).content.decode()
    assert signed_in(catalogue.community_editor).post(
        url + "comments/", {"comment-body": "x"}
    ).status_code in (403, 404)
    assert Comment.objects.count() == 1


def test_an_endorsing_community_organization_comments_on_a_report(catalogue):
    from matching.models import ProgressReport
    from matching.services.reports import file_report

    partnership = formed(catalogue)
    report = file_report(
        actor=catalogue.ngo_editor,
        partnership=partnership,
        data={
            "period_end": partnership.formed_at.date(),
            "indicator_value": "20",
            "narrative": "Six labs.",
        },
        submit=True,
    )
    assert report.status == ProgressReport.Status.SUBMITTED
    api_url = f"/api/v1/partnerships/{partnership.pk}/reports/{report.pk}/comments/"
    page_url = f"/partnerships/{partnership.pk}/reports/{report.pk}/comments/"
    community = signed_in(catalogue.community_editor)
    assert community.post(page_url, {f"comment-{report.pk}-body": "x"}).status_code == 404
    assert api(catalogue.community_editor).get(api_url).status_code == 404
    endorse(catalogue)
    refused = signed_in(catalogue.ngo_editor).post(page_url, {f"comment-{report.pk}-body": ""})
    assert refused.status_code == 400
    assert f'href="#id_comment-{report.pk}-body"'.encode() in refused.content
    said = "Two of the labs have no ramp."
    assert community.post(page_url, {f"comment-{report.pk}-body": said}).status_code == 302
    assert [row["body"] for row in api(catalogue.coordinator).get(api_url).json()] == [said]
    page = signed_in(catalogue.ngo_editor).get(f"/partnerships/{partnership.pk}/").content
    assert said.encode() in page
    assert said.encode() not in Client().get(f"/partnerships/{partnership.pk}/").content


def test_the_need_owner_with_lines_sees_one_decline_form(catalogue):
    from matching.services.review import accept_proposal
    from tests.web.scenario import OVERRIDE

    accept_proposal(
        actor=catalogue.coordinator, proposal_id=catalogue.proposal.pk, override_reason=OVERRIDE
    )
    from registry.models import Membership

    # A partner's editor who also edits for the need's ministry both confirms and consents.
    government = catalogue.government_editor.memberships.get().organization
    Membership.objects.create(
        user=catalogue.ngo_editor, organization=government, role=Membership.Role.EDITOR
    )
    page = signed_in(catalogue.ngo_editor).get(f"/console/proposals/{catalogue.proposal.pk}/")
    body = page.content.decode()
    assert 'id="give-consent"' in body and 'id="confirm-lines"' in body
    assert body.count('id="id_reason"') == 1


def test_an_endorsing_community_organization_reads_the_proposal_page_and_comments(catalogue):
    url = f"/console/proposals/{catalogue.proposal.pk}/"
    community = signed_in(catalogue.community_editor)
    assert community.get(url).status_code == 404  # its organization did not endorse the need
    endorse(catalogue)

    page = community.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert catalogue.need.title in body and 'id="id_comment-body"' in body
    for control in ("accept-proposal", "reject-proposal", "confirm-lines", "decline-lines"):
        assert f'id="{control}"' not in body  # read-only: no decision, no answer

    refused = community.post(url + "comments/", {"comment-body": " "})
    assert refused.status_code == 400 and b'href="#id_comment-body"' in refused.content
    assert not Comment.objects.exists()
    said = "The youth centre in Kapsabet has no electricity yet."
    assert community.post(url + "comments/", {"comment-body": said})["Location"] == url
    comment = Comment.objects.get()
    assert (
        comment.body == said
        and comment.organization == catalogue.need.endorsements.get().organization
    )
    assert said in signed_in(catalogue.coordinator).get(url).content.decode()

    # The page opens nothing else: deciding and answering stay refused, and change nothing.
    assert community.post(url + "reject/", {"reason": "No."}).status_code == 403
    assert community.post(url + "confirm/").status_code == 404
    catalogue.proposal.refresh_from_db()
    assert catalogue.proposal.status == Proposal.Status.PROPOSED

    # The comment service's rule: a community organization that is no longer verified neither
    # comments nor opens the page.
    organization = comment.organization
    organization.verified_at = None
    organization.save(update_fields=["verified_at"])
    assert community.get(url).status_code == 404
    assert community.post(url + "comments/", {"comment-body": "Again."}).status_code == 404
    assert Comment.objects.count() == 1
