"""The console's decisions and pages added after the first round, without a browser:
revoking an acceptance, the time partners answer by, what changed before a verification."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from matching.models import Commitment, Proposal
from tests.web.scenario import OVERRIDE, build_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return build_scenario()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(catalogue, action: str = "") -> str:
    return f"/console/proposals/{catalogue.proposal.pk}/{action}"


def test_a_coordinator_sets_when_partners_answer_and_a_past_time_is_refused(catalogue):
    client = signed_in(catalogue.coordinator)
    past = (timezone.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(
        _url(catalogue, "accept/"), {"override-reason": OVERRIDE, "respond_by": past}
    )
    assert refused.status_code == 400
    assert b'href="#id_respond_by"' in refused.content
    assert b"Give the partners a time in the future." in refused.content
    catalogue.proposal.refresh_from_db()
    assert catalogue.proposal.status == Proposal.Status.PROPOSED
    assert not Commitment.objects.exists()
    garbled = client.post(
        _url(catalogue, "accept/"), {"override-reason": OVERRIDE, "respond_by": "next week"}
    )
    assert garbled.status_code == 400 and b'href="#id_respond_by"' in garbled.content
    accepted = client.post(
        _url(catalogue, "accept/"),
        {"override-reason": OVERRIDE, "respond_by": "2099-03-31T17:00"},
    )
    assert accepted.status_code == 302
    catalogue.proposal.refresh_from_db()
    assert catalogue.proposal.status == Proposal.Status.ACCEPTED
    assert catalogue.proposal.respond_by == datetime.datetime(
        2099, 3, 31, 17, 0, tzinfo=datetime.UTC
    )


def test_a_coordinator_revokes_an_acceptance_with_a_reason_and_only_a_coordinator_may(catalogue):
    client = signed_in(catalogue.coordinator)
    assert b"Revoke the acceptance" not in client.get(_url(catalogue)).content
    client.post(_url(catalogue, "accept/"), {"override-reason": OVERRIDE})
    page = client.get(_url(catalogue)).content.decode()
    assert "Revoke the acceptance" in page and 'name="revoke-reason"' in page
    assert (
        signed_in(catalogue.ngo_editor)
        .post(_url(catalogue, "revoke/"), {"revoke-reason": "no"})
        .status_code
        == 403
    )
    silent = client.post(_url(catalogue, "revoke/"), {"revoke-reason": "  "})
    assert silent.status_code == 400
    assert b'href="#id_revoke-reason"' in silent.content
    assert b"Say why the acceptance is revoked." in silent.content
    catalogue.proposal.refresh_from_db()
    assert catalogue.proposal.status == Proposal.Status.ACCEPTED
    assert Commitment.objects.filter(state="reserved").count() == 2
    revoked = client.post(
        _url(catalogue, "revoke/"), {"revoke-reason": "The ministry found a closer partner."}
    )
    assert revoked.status_code == 302
    catalogue.proposal.refresh_from_db()
    assert catalogue.proposal.status not in (Proposal.Status.ACCEPTED, Proposal.Status.PROPOSED)
    assert catalogue.proposal.reason == "The ministry found a closer partner."
    catalogue.laptops.refresh_from_db()
    assert catalogue.laptops.reserved == 0
    history = client.get(_url(catalogue)).content.decode()
    assert "revoked: The ministry found a closer partner." in history
    again = client.post(_url(catalogue, "revoke/"), {"revoke-reason": "twice"})
    assert again.status_code == 409


def test_the_verification_page_shows_what_changed_since_the_last_verification(catalogue):
    from registry.services.organizations import update_organization

    ngo = catalogue.laptops.organization
    update_organization(
        actor=catalogue.ngo_editor,
        organization=ngo,
        data={"name": "Digital Bridges Kenya", "kind": "company", "website": "https://db.example"},
    )
    client = signed_in(catalogue.coordinator)
    page = client.get("/console/organizations/").content.decode()
    row = page[page.index('<td class="govuk-table__cell">Digital Bridges Kenya') :]
    row = row[: row.index("</tr>")]
    assert "Verified on" in row
    assert "<strong>Name</strong>: was Digital Bridges, now Digital Bridges Kenya" in row
    assert "<strong>Kind</strong>: was Non-governmental organization, now Company" in row
    assert "Country" not in row and "Identifier</strong>" not in row  # unchanged, not listed
    kilimo = page[page.index('<td class="govuk-table__cell">Kilimo Telecom') :]
    assert "Never verified" in kilimo[: kilimo.index("</tr>")]
    assert client.post(f"/console/organizations/{ngo.pk}/verify/").status_code == 302
    ngo.refresh_from_db()
    assert ngo.verified_by == catalogue.coordinator
    assert "was Digital Bridges" not in client.get("/console/organizations/").content.decode()


def test_a_member_changes_an_offer_and_bad_input_changes_nothing(catalogue):
    from registry.models import Offer
    from tests.factories import OfferFactory

    offer = catalogue.laptops
    client = signed_in(catalogue.ngo_editor)
    url = f"/console/offers/{offer.pk}/edit/"
    form = client.get(url).content.decode()
    assert 'value="Refurbished laptops"' in form and 'name="organization"' not in form
    body = {
        "title": "Refurbished laptops, charged",
        "category": offer.category_id,
        "quantity": "120",
        "areas": "KE, UG",
    }
    refused = client.post(url, {**body, "areas": "nowhere"})
    assert refused.status_code == 400 and b'href="#id_areas"' in refused.content
    offer.refresh_from_db()
    assert offer.title == "Refurbished laptops" and offer.quantity == 100
    assert client.post(url, body).status_code == 302
    offer.refresh_from_db()
    assert offer.title == "Refurbished laptops, charged" and offer.quantity == 120
    assert offer.areas == ["KE", "UG"] and offer.status == Offer.Status.PUBLISHED
    draft = OfferFactory(organization=offer.organization, status=Offer.Status.DRAFT)
    draft_url = f"/console/offers/{draft.pk}/edit/"
    assert client.post(draft_url, {**body, "publish": "1"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Offer.Status.PUBLISHED
    # another organization's offer, or a viewer's, is not theirs to change
    assert signed_in(catalogue.company_editor).get(url).status_code == 404
    assert signed_in(catalogue.company_editor).post(url, body).status_code == 404


def test_an_admin_manages_members_and_the_last_admin_cannot_leave(catalogue):
    from registry.models import Membership
    from tests.factories import MembershipFactory, UserFactory

    ngo = catalogue.laptops.organization
    admin = UserFactory(username="ngo.admin")
    MembershipFactory(user=admin, organization=ngo, role=Membership.Role.ADMIN)
    UserFactory(username="amina")
    url = f"/console/organizations/{ngo.pk}/members/"
    client = signed_in(admin)
    assert f"Members of {ngo.name}" in client.get("/console/").content.decode()
    unknown = client.post(url, {"username": "nobody", "role": "editor"})
    assert unknown.status_code == 400 and b'href="#id_username"' in unknown.content
    assert client.post(url, {"username": "amina", "role": "owner"}).status_code == 400
    assert not Membership.objects.filter(user__username="amina").exists()
    assert client.post(url, {"username": "amina", "role": "editor"}).status_code == 302
    assert Membership.objects.get(user__username="amina", organization=ngo).role == "editor"
    assert client.post(url, {"username": "amina", "role": "viewer"}).status_code == 302
    assert Membership.objects.get(user__username="amina", organization=ngo).role == "viewer"
    last = client.post(url, {"username": "ngo.admin", "role": "editor"})
    assert last.status_code == 400 and b"must keep at least one admin" in last.content
    assert Membership.objects.get(user=admin, organization=ngo).role == "admin"
    # an editor sees the members but may not change them; a stranger does not see them
    editor = signed_in(catalogue.ngo_editor)
    assert b"ngo.admin" in editor.get(url).content
    assert editor.post(url, {"username": "amina", "role": "admin"}).status_code == 403
    amina = Membership.objects.get(user__username="amina").user_id
    assert editor.post(f"{url}{amina}/remove/").status_code == 403
    assert signed_in(catalogue.company_editor).get(url).status_code == 404
    assert client.post(f"{url}{amina}/remove/").status_code == 302
    assert not Membership.objects.filter(user_id=amina, organization=ngo).exists()
    assert client.post(f"{url}{admin.pk}/remove/").status_code == 302  # refused, shown
    assert Membership.objects.filter(user=admin, organization=ngo).exists()


def test_a_government_member_changes_a_need_and_covered_items_stay(catalogue):
    from registry.models import Need

    need = catalogue.need
    client = signed_in(catalogue.government_editor)
    url = f"/console/needs/{need.pk}/edit/"
    form = client.get(url).content.decode()
    assert f'value="{need.title}"' in form and 'name="organization"' not in form
    body = {
        "title": "Devices and teachers for rural schools in Nandi and Vihiga",
        "area": "KE-32",
        "priority": "4",
        "indicator_name": "Schools with a working computer lab",
        "indicator_baseline": "14",
        "indicator_target": "70",
        "vulnerable_groups": ["youth"],
        "item_1_category": "laptops",
        "item_1_quantity": "80",
        "item_2_category": "trainer-days",
        "item_2_quantity": "20",
    }
    refused = client.post(url, {**body, "area": "nowhere"})
    assert refused.status_code == 400 and b'href="#id_area"' in refused.content
    need.refresh_from_db()
    assert need.title.endswith("in Nandi")
    assert client.post(url, body).status_code == 302
    need.refresh_from_db()
    assert need.title.endswith("and Vihiga") and need.indicator_target == 70
    assert list(need.vulnerable_groups.values_list("pk", flat=True)) == ["youth"]
    assert need.items.get(category_id="laptops").quantity == 80
    # once partners' capacity is reserved, an item cannot shrink below it: refused, unchanged
    from matching.services.review import accept_proposal

    accept_proposal(
        actor=catalogue.coordinator, proposal_id=catalogue.proposal.pk, override_reason=OVERRIDE
    )
    shrink = client.post(url, {**body, "item_1_quantity": "10"})
    assert shrink.status_code == 400 and b'href="#id_item_1_quantity"' in shrink.content
    assert need.items.get(category_id="laptops").quantity == 80
    assert signed_in(catalogue.ngo_editor).get(url).status_code == 404
    assert Need.objects.get(pk=need.pk).organization_id == need.organization_id
