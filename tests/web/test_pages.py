"""The console's pages without a browser: permissions, refusals that change nothing, error pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from matching.models import MatchRun, Proposal, ProposalLine
from registry.models import Offer
from tests.factories import PASSWORD, OfferFactory, OrganizationFactory, UserFactory
from tests.web.scenario import OVERRIDE, TODAY, build_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return build_scenario()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_public_pages_answer_without_sign_in(catalogue):
    client = Client()
    for path in ("/", "/needs/", "/offers/", "/partnerships/", "/accounts/login/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b'<html lang="en"' in response.content
    assert catalogue.need.title.encode() in client.get("/needs/").content


def test_a_console_page_sends_an_anonymous_visitor_to_sign_in(catalogue):
    response = Client().get("/console/review/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_member_may_not_open_the_review_queue(catalogue):
    response = signed_in(catalogue.ngo_editor).get("/console/review/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert b"You may not open this page" in response.content


def test_a_missing_page_is_html_and_a_missing_api_resource_is_problem_details():
    page = Client().get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
    api = Client().get("/api/v1/no-such-resource/")
    assert api.status_code == 404
    assert api["Content-Type"] == "application/problem+json"


def test_the_queue_lists_waiting_proposals_with_partners_and_verification(catalogue):
    response = signed_in(catalogue.coordinator).get("/console/review/")
    body = response.content.decode()
    assert response.status_code == 200
    assert catalogue.need.title in body
    assert "Digital Bridges" in body and "Kilimo Telecom" in body
    assert "not verified" in body  # Kilimo Telecom


def test_the_queue_filters_by_area_and_category_and_refuses_a_bad_area(catalogue):
    client = signed_in(catalogue.coordinator)
    title = catalogue.need.title
    assert title in client.get("/console/review/?area=KE").content.decode()
    assert title not in client.get("/console/review/?area=UG").content.decode()
    assert title in client.get("/console/review/?category=laptops").content.decode()
    assert title not in client.get("/console/review/?category=tablets").content.decode()
    assert title in client.get("/console/review/?q=computer+OR+devices").content.decode()
    refused = client.get("/console/review/?area=not-an-area")
    assert refused.status_code == 400
    assert b'href="#id_area"' in refused.content


def test_rejecting_without_a_reason_is_refused_and_changes_nothing(catalogue):
    client = signed_in(catalogue.coordinator)
    response = client.post(f"/console/proposals/{catalogue.proposal.pk}/reject/", {"reason": " "})
    assert response.status_code == 400
    assert b'href="#id_reason"' in response.content
    catalogue.proposal.refresh_from_db()
    assert catalogue.proposal.status == Proposal.Status.PROPOSED


def test_a_coordinator_rejects_with_a_reason(catalogue):
    client = signed_in(catalogue.coordinator)
    url = f"/console/proposals/{catalogue.proposal.pk}/reject/"
    response = client.post(url, {"reason": "The ministry asked for tablets."})
    assert response.status_code == 302
    catalogue.proposal.refresh_from_db()
    assert catalogue.proposal.status == Proposal.Status.REJECTED
    assert catalogue.proposal.reason == "The ministry asked for tablets."


def test_a_partner_may_not_accept_and_a_stranger_cannot_see_the_proposal(catalogue):
    url = f"/console/proposals/{catalogue.proposal.pk}/"
    assert signed_in(catalogue.ngo_editor).post(url + "accept/").status_code == 403
    stranger = UserFactory(username="stranger")
    assert signed_in(stranger).get(url).status_code == 404
    catalogue.proposal.refresh_from_db()
    assert catalogue.proposal.status == Proposal.Status.PROPOSED


def test_accepting_capacity_already_taken_is_refused_on_the_page(catalogue):
    Offer.objects.filter(pk=catalogue.laptops.pk).update(quantity=10)
    client = signed_in(catalogue.coordinator)
    response = client.post(
        f"/console/proposals/{catalogue.proposal.pk}/accept/", {"override-reason": OVERRIDE}
    )
    assert response.status_code == 409
    assert b"has" in response.content and b"There is a problem" in response.content
    catalogue.proposal.refresh_from_db()
    assert catalogue.proposal.status == Proposal.Status.PROPOSED


def test_accepting_an_unverified_partner_without_a_reason_is_refused_on_the_page(catalogue):
    client = signed_in(catalogue.coordinator)
    page = client.get(f"/console/proposals/{catalogue.proposal.pk}/").content.decode()
    assert "Not yet verified: Kilimo Telecom" in page
    response = client.post(f"/console/proposals/{catalogue.proposal.pk}/accept/")
    assert response.status_code == 409
    assert b"There is a problem" in response.content
    catalogue.proposal.refresh_from_db()
    assert catalogue.proposal.status == Proposal.Status.PROPOSED
    accepted = client.post(
        f"/console/proposals/{catalogue.proposal.pk}/accept/", {"override-reason": OVERRIDE}
    )
    assert accepted.status_code == 302
    catalogue.proposal.refresh_from_db()
    assert catalogue.proposal.status == Proposal.Status.ACCEPTED


def test_confirming_before_acceptance_is_refused(catalogue):
    client = signed_in(catalogue.ngo_editor)
    response = client.post(f"/console/proposals/{catalogue.proposal.pk}/confirm/")
    assert response.status_code == 409
    assert not ProposalLine.objects.filter(confirmation="confirmed").exists()


def test_a_coordinator_starts_a_run_from_the_runs_page(catalogue):
    client = signed_in(catalogue.coordinator)
    before = MatchRun.objects.count()
    response = client.post("/console/runs/")
    run = MatchRun.objects.order_by("-pk").first()
    assert MatchRun.objects.count() == before + 1
    assert run.trigger == MatchRun.Trigger.MANUAL and run.requested_by == catalogue.coordinator
    assert response["Location"] == f"/console/runs/{run.pk}/"
    page = client.get(response["Location"])
    assert b"data-poll" in page.content
    assert signed_in(catalogue.ngo_editor).post("/console/runs/").status_code == 403


def test_a_member_publishes_and_withdraws_only_its_own_offers(catalogue):
    draft = OfferFactory(organization=catalogue.laptops.organization, status=Offer.Status.DRAFT)
    client = signed_in(catalogue.ngo_editor)
    assert client.post(f"/console/offers/{draft.pk}/publish/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == Offer.Status.PUBLISHED
    assert client.post(f"/console/offers/{draft.pk}/withdraw/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == Offer.Status.WITHDRAWN
    foreign = OfferFactory(organization=OrganizationFactory(), status=Offer.Status.DRAFT)
    assert client.post(f"/console/offers/{foreign.pk}/publish/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Offer.Status.DRAFT


def test_registering_signs_the_person_in_and_a_taken_username_is_refused(catalogue):
    client = Client()
    response = client.post(
        "/accounts/register/",
        {"username": "amina", "email": "amina@example.org", "password": "a long passphrase 42"},
    )
    assert response.status_code == 302 and response["Location"] == "/console/"
    assert client.get("/console/").status_code == 200
    again = Client().post(
        "/accounts/register/",
        {"username": "AMINA", "email": "x@example.org", "password": "a long passphrase 42"},
    )
    assert again.status_code == 400
    assert b'href="#id_username"' in again.content


def test_signing_in_and_out_through_the_pages(catalogue):
    client = Client()
    response = client.post("/accounts/login/", {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/console/"
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/console/").status_code == 302


def test_the_queue_filters_by_group_score_and_waiting_time(catalogue):
    client = signed_in(catalogue.coordinator)
    title = catalogue.need.title
    assert title in client.get("/console/review/?group=youth").content.decode()
    assert title not in client.get("/console/review/?group=older-persons").content.decode()
    assert title in client.get("/console/review/?min_score=0.7").content.decode()
    assert title not in client.get("/console/review/?min_score=0.8").content.decode()
    assert title in client.get("/console/review/?min_days=0").content.decode()
    assert title not in client.get("/console/review/?min_days=2").content.decode()
    assert client.get("/console/review/?min_score=2").status_code == 400


def test_a_coordinator_verifies_an_organization_and_a_member_may_not(catalogue):
    company = catalogue.trainers.organization
    assert (
        signed_in(catalogue.ngo_editor)
        .post(f"/console/organizations/{company.pk}/verify/")
        .status_code
        == 403
    )
    client = signed_in(catalogue.coordinator)
    assert company.name in client.get("/console/organizations/").content.decode()
    assert client.post(f"/console/organizations/{company.pk}/verify/").status_code == 302
    company.refresh_from_db()
    assert company.verified_by == catalogue.coordinator
    assert (
        "Every organization is verified." in client.get("/console/organizations/").content.decode()
    )


def formed(catalogue):
    from matching.models import Partnership
    from matching.services.review import accept_proposal, confirm_lines

    accept_proposal(
        actor=catalogue.coordinator, proposal_id=catalogue.proposal.pk, override_reason=OVERRIDE
    )
    for answer in (catalogue.ngo_editor, catalogue.company_editor, catalogue.government_editor):
        confirm_lines(actor=answer, proposal_id=catalogue.proposal.pk)
    return Partnership.objects.get(proposal=catalogue.proposal)


def test_a_partner_files_a_report_and_a_coordinator_approves_it(catalogue):
    from matching.models import ProgressReport

    partnership = formed(catalogue)
    url = f"/partnerships/{partnership.pk}/"
    partner = signed_in(catalogue.ngo_editor)
    empty = partner.post(url + "reports/", {"period_end": "", "narrative": ""})
    assert empty.status_code == 400
    assert b'href="#id_period_end"' in empty.content and b'href="#id_narrative"' in empty.content
    assert not ProgressReport.objects.exists()
    report = {"period_end": TODAY, "indicator_value": "22", "narrative": "Eight labs."}
    assert partner.post(url + "reports/", report).status_code == 302
    filed = ProgressReport.objects.get()
    assert filed.status == ProgressReport.Status.SUBMITTED
    assert Client().get(url).content.count(b"Eight labs.") == 0  # not approved yet
    stranger = signed_in(UserFactory(username="stranger"))
    assert stranger.post(url + "reports/", report).status_code == 403
    assert partner.post(url + f"reports/{filed.pk}/approve/").status_code == 403
    coordinator = signed_in(catalogue.coordinator)
    refused = coordinator.post(
        url + f"reports/{filed.pk}/return/", {f"report-{filed.pk}-comment": ""}
    )
    assert refused.status_code == 400
    assert f'href="#id_report-{filed.pk}-comment"'.encode() in refused.content
    assert coordinator.post(url + f"reports/{filed.pk}/approve/").status_code == 302
    filed.refresh_from_db()
    assert filed.status == ProgressReport.Status.APPROVED
    assert b"Eight labs." in Client().get(url).content


def need_post(organization, **changes) -> dict:
    data = {
        "organization": organization.pk,
        "title": "Assistive devices for blind students",
        "area": "ke-30",
        "priority": "4",
        "population": "800",
        "indicator_name": "Students with a screen reader",
        "indicator_unit": "students",
        "indicator_baseline": "120",
        "indicator_target": "800",
        "vulnerable_groups": ["persons-with-disabilities", "youth"],
        "item_1_category": "assistive-devices",
        "item_1_quantity": "680",
        "item_2_category": "grant",
        "item_2_quantity": "25000",
        "item_2_currency": "usd",
        "publish": "1",
    }
    data.update(changes)
    return data


def test_a_government_member_posts_a_need_with_its_items(catalogue):
    from registry.models import Need

    government = catalogue.need.organization
    client = signed_in(catalogue.government_editor)
    assert client.get("/console/needs/new/").status_code == 200
    response = client.post("/console/needs/new/", need_post(government))
    assert response.status_code == 302
    need = Need.objects.get(title="Assistive devices for blind students")
    assert need.status == Need.Status.OPEN and need.area == "KE-30"
    items = {item.category_id: (item.quantity, item.currency) for item in need.items.all()}
    assert items == {"assistive-devices": (680, ""), "grant": (25000, "USD")}
    assert set(need.vulnerable_groups.values_list("slug", flat=True)) == {
        "persons-with-disabilities",
        "youth",
    }


def test_a_need_outside_the_governments_country_or_without_items_is_refused(catalogue):
    from registry.models import Need

    government = catalogue.need.organization
    client = signed_in(catalogue.government_editor)
    before = Need.objects.count()
    abroad = client.post("/console/needs/new/", need_post(government, area="UG"))
    assert abroad.status_code == 400
    assert b'href="#id_area"' in abroad.content and b"outside KE" in abroad.content
    no_items = client.post("/console/needs/new/", need_post(government, item_1_category=""))
    assert no_items.status_code == 400 and b'href="#id_item_1_category"' in no_items.content
    no_currency = client.post("/console/needs/new/", need_post(government, item_2_currency=""))
    assert no_currency.status_code == 400 and b'href="#id_item_2_currency"' in no_currency.content
    assert Need.objects.count() == before


def test_a_member_of_an_ngo_cannot_post_a_need(catalogue):
    from registry.models import Need

    ngo = catalogue.laptops.organization
    before = Need.objects.count()
    response = signed_in(catalogue.ngo_editor).post("/console/needs/new/", need_post(ngo))
    assert response.status_code == 400
    assert Need.objects.count() == before


def test_a_draft_need_is_published_and_then_cancelled_from_the_needs_page(catalogue):
    from registry.models import Need

    government = catalogue.need.organization
    client = signed_in(catalogue.government_editor)
    data = need_post(government, publish="", draft="1")
    data.pop("publish")
    assert client.post("/console/needs/new/", data).status_code == 302
    need = Need.objects.get(title="Assistive devices for blind students")
    assert need.status == Need.Status.DRAFT
    assert client.post(f"/console/needs/{need.pk}/publish/").status_code == 302
    need.refresh_from_db()
    assert need.status == Need.Status.OPEN
    stranger = signed_in(catalogue.ngo_editor)
    assert stranger.post(f"/console/needs/{need.pk}/cancel/").status_code == 404
    assert client.post(f"/console/needs/{need.pk}/cancel/").status_code == 302
    need.refresh_from_db()
    assert need.status == Need.Status.CANCELLED


def test_pages_are_compressed_and_api_responses_are_not(catalogue):
    client = signed_in(catalogue.coordinator)
    page = client.get("/console/review/", HTTP_ACCEPT_ENCODING="gzip")
    assert page["Content-Encoding"] == "gzip"
    api = client.get("/api/v1/proposals/", HTTP_ACCEPT_ENCODING="gzip")
    assert api.status_code == 200 and not api.has_header("Content-Encoding")


def test_templates_are_compiled_once_per_process_not_on_every_view():
    from django.template import engines
    from django.template.loaders.cached import Loader

    loaders = engines["django"].engine.template_loaders
    assert [type(loader) for loader in loaders] == [Loader]


def test_the_gap_dashboard_shows_each_figure_in_its_unit_with_the_map_and_tables(catalogue):
    from matching.services.review import accept_proposal

    accept_proposal(
        actor=catalogue.coordinator, proposal_id=catalogue.proposal.pk, override_reason=OVERRIDE
    )
    page = Client().get("/dashboard/").content.decode()
    for title in (
        "By area",
        "By resource",
        "By vulnerable group",
        "By focus area",
        "By SDG target",
    ):
        assert f">{title}</h2>" in page
    # Kenya rolls up its subdivision KE-32; laptops stay in units, trainer days in person-days.
    assert "Kenya (KE)" in page and "(subdivisions included)" in page
    assert re.search(r"<td[^>]*>Laptops</td>\s*<td[^>]*>units</td>(\s*<td[^>]*>60</td>){2}", page)
    assert re.search(r"<td[^>]*>Trainer days</td>\s*<td[^>]*>person-days</td>", page)
    # The indicator is measured (14 → 60) and nothing is reported yet: Kenya is 0 % closed,
    # shaded with the lightest step; a country without needs is not named (the map leaves it
    # white). The geometry is the static map, drawn with <use>.
    assert re.search(r"<style>\.registry-map\{[^}]*--map-KE:#deebf7[^}]*\}</style>", page)
    assert "--map-FR" not in page
    assert '<use href="/static/web/world-map.svg#world"/>' in page
    assert "/console/review/?area=KE" not in page  # queue links are for coordinators
    # The area table lists countries; Kenya's subdivisions are one link away.
    assert "KE-32" not in page
    assert 'href="?area=KE#section-area"' in page


LAPTOPS_ROW = re.compile(
    r"<td[^>]*>Laptops</td>\s*<td[^>]*>units</td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>"
)


def laptops_needed_and_reserved() -> tuple[str, str]:
    found = LAPTOPS_ROW.search(Client().get("/dashboard/").content.decode())
    assert found, "no laptops row"
    return found[1], found[2]


def test_the_dashboard_keeps_its_figures_a_while_and_drops_them_on_a_change(catalogue, settings):
    from matching.services.review import accept_proposal
    from registry.models import NeedItem

    settings.DASHBOARD_CACHE_SECONDS = 60
    assert laptops_needed_and_reserved() == ("60", "0")
    # A write that goes around the models is not seen while the figures are kept: the page
    # reads them from the shared cache.
    NeedItem.objects.filter(category_id="laptops").update(quantity=80)
    assert laptops_needed_and_reserved() == ("60", "0")
    # A save through the model, as every service makes, drops them; so does a commitment.
    item = NeedItem.objects.get(category_id="laptops")
    item.quantity = 90
    item.save()
    assert laptops_needed_and_reserved() == ("90", "0")
    accept_proposal(
        actor=catalogue.coordinator, proposal_id=catalogue.proposal.pk, override_reason=OVERRIDE
    )
    assert laptops_needed_and_reserved() == ("90", "60")
    # Kept for no time at all, the figures are read afresh on every view.
    settings.DASHBOARD_CACHE_SECONDS = 0
    NeedItem.objects.filter(category_id="laptops").update(quantity=100)
    assert laptops_needed_and_reserved() == ("100", "60")


def test_the_dashboard_drills_down_to_a_countrys_subdivisions(catalogue):
    page = Client().get("/dashboard/", {"area": "ke"}).content.decode()
    assert ">By area: Kenya</h2>" in page
    assert re.search(r"\(KE-32\)\s*<span[^>]*>\(in KE\)</span>", page)
    assert "--map-KE:#deebf7" in page  # the map still shades every country
    refused = Client().get("/dashboard/", {"area": "KE-32"})
    assert refused.status_code == 400
    assert "KE-32 is not a country code" in refused.content.decode()
    assert "Kenya (KE)" in refused.content.decode()  # and the countries' table as usual


def test_the_coordinators_dashboard_links_each_row_to_its_proposals(catalogue):
    page = signed_in(catalogue.coordinator).get("/console/dashboard/")
    assert page.status_code == 200
    assert 'href="/console/review/?area=KE"' in page.content.decode()
    assert 'href="/console/review/?category=laptops"' in page.content.decode()
    assert signed_in(catalogue.ngo_editor).get("/console/dashboard/").status_code == 403
    assert Client().get("/console/dashboard/").status_code == 302


def test_repeated_failed_sign_ins_answer_a_429_page(catalogue, settings):
    client = Client()
    wrong = {"username": "coordinator", "password": "not the password"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/accounts/login/", wrong).status_code == 400
    locked = client.post("/accounts/login/", wrong)
    assert locked.status_code == 429
    assert locked["Content-Type"].startswith("text/html")
    assert b"Too many attempts" in locked.content
    right = client.post("/accounts/login/", {"username": "coordinator", "password": PASSWORD})
    assert right.status_code == 429


def test_a_community_organization_endorses_a_need_once(catalogue):
    from registry.models import Endorsement, Need

    url = f"/needs/{catalogue.need.pk}/"
    client = signed_in(catalogue.community_editor)
    network = catalogue.community_editor.memberships.get().organization
    assert b"Endorse need" in client.get(url).content
    data = {"organization": network.pk, "comment": "Our members asked for this."}
    assert client.post(url + "endorse/", data).status_code == 302
    assert b"Our members asked for this." in Client().get(url).content
    assert client.post(url + "endorse/", data).status_code == 409
    assert Endorsement.objects.count() == 1
    ngo = signed_in(catalogue.ngo_editor)
    assert b"Endorse need" not in ngo.get(url).content
    refused = ngo.post(url + "endorse/", {"organization": catalogue.laptops.organization_id})
    assert refused.status_code == 400 and Endorsement.objects.count() == 1
    Need.objects.filter(pk=catalogue.need.pk).update(status=Need.Status.DRAFT)
    assert Client().get(url).status_code == 404


def test_a_government_member_follows_the_proposals_for_its_needs(catalogue):
    client = signed_in(catalogue.government_editor)
    listing = client.get("/console/my-proposals/").content.decode()
    assert f"/console/proposals/{catalogue.proposal.pk}/" in listing
    page = client.get(f"/console/proposals/{catalogue.proposal.pk}/")
    assert page.status_code == 200
    assert b"Accept proposal" not in page.content and b"Confirm our lines" not in page.content


def test_a_member_offers_a_resource_and_bad_areas_or_a_missing_currency_are_refused(catalogue):
    ngo = catalogue.laptops.organization
    client = signed_in(catalogue.ngo_editor)
    before = Offer.objects.count()
    offer = {
        "organization": ngo.pk,
        "title": "Screen readers with training",
        "category": "assistive-devices",
        "quantity": "200",
        "areas": "ke-30, KE-32",
        "vulnerable_groups": ["persons-with-disabilities"],
        "publish": "1",
    }
    assert client.post("/console/offers/new/", {**offer, "areas": "KE-99 mars"}).status_code == 400
    grant = {**offer, "category": "grant", "quantity": "5000"}
    refused = client.post("/console/offers/new/", grant)
    assert refused.status_code == 400 and b'href="#id_currency"' in refused.content
    assert Offer.objects.count() == before
    assert client.post("/console/offers/new/", offer).status_code == 302
    created = Offer.objects.get(title="Screen readers with training")
    assert created.status == Offer.Status.PUBLISHED and created.areas == ["KE-30", "KE-32"]
    foreign = {**offer, "organization": catalogue.trainers.organization_id}
    assert client.post("/console/offers/new/", foreign).status_code == 400


def test_registering_an_organization_makes_the_person_its_admin(catalogue):
    from registry.models import Membership, Organization

    person = UserFactory(username="founder")
    client = signed_in(person)
    data = {
        "name": "Mombasa Deaf Association",
        "kind": "community",
        "country": "ke",
        "contact_email": "info@example.org",
    }
    assert client.post("/console/organizations/new/", {**data, "country": "XX"}).status_code == 400
    assert not Organization.objects.filter(name=data["name"]).exists()
    assert client.post("/console/organizations/new/", data).status_code == 302
    organization = Organization.objects.get(name=data["name"])
    assert organization.country == "KE" and organization.verified_at is None
    assert Membership.objects.get(user=person, organization=organization).role == "admin"


def test_registering_an_organization_like_one_registered_shows_it_first(catalogue):
    from registry.models import Organization

    existing = catalogue.ngo_editor.memberships.first().organization
    client = signed_in(UserFactory(username="second-founder"))
    data = {
        "name": f"The {existing.name} Ltd",
        "kind": existing.kind,
        "country": existing.country,
        "contact_email": "info@example.org",
    }
    shown = client.post("/console/organizations/new/", data)
    assert shown.status_code == 409
    assert b'id="likely-duplicates"' in shown.content and existing.name.encode() in shown.content
    assert not Organization.objects.filter(name=data["name"]).exists()
    anyway = client.post("/console/organizations/new/", {**data, "confirm_distinct": "on"})
    assert anyway.status_code == 302
    assert Organization.objects.filter(name=data["name"]).exists()


def test_a_person_changes_their_password_and_a_wrong_old_one_is_refused(catalogue):
    client = signed_in(catalogue.ngo_editor)
    new = "another long passphrase 7"
    wrong = {"old_password": "nope", "new_password1": new, "new_password2": new}
    refused = client.post("/accounts/password/", wrong)
    assert refused.status_code == 400 and b'href="#id_old_password"' in refused.content
    right = {**wrong, "old_password": PASSWORD}
    assert client.post("/accounts/password/", right).status_code == 302
    catalogue.ngo_editor.refresh_from_db()
    assert catalogue.ngo_editor.check_password(new)


def test_a_partner_declines_its_lines_and_their_reservation_is_released(catalogue):
    from matching.services.review import accept_proposal

    accept_proposal(
        actor=catalogue.coordinator, proposal_id=catalogue.proposal.pk, override_reason=OVERRIDE
    )
    client = signed_in(catalogue.company_editor)
    url = f"/console/proposals/{catalogue.proposal.pk}/decline/"
    assert client.post(url, {"reason": "Our trainers are booked."}).status_code == 302
    line = catalogue.proposal.lines.get(offer=catalogue.trainers)
    assert line.confirmation == ProposalLine.Confirmation.DECLINED
    catalogue.trainers.refresh_from_db()
    assert catalogue.trainers.reserved == 0
    catalogue.laptops.refresh_from_db()
    assert catalogue.laptops.reserved == 60  # the other partner's reservation stands


def test_a_form_sent_without_its_token_answers_a_403_page_and_changes_nothing(catalogue):
    client = Client(enforce_csrf_checks=True)
    client.force_login(catalogue.coordinator)
    response = client.post(f"/console/proposals/{catalogue.proposal.pk}/accept/")
    assert response.status_code == 403
    assert b"The form could not be sent" in response.content
    catalogue.proposal.refresh_from_db()
    assert catalogue.proposal.status == Proposal.Status.PROPOSED


def test_the_queue_filters_by_sdg_target_code_and_refuses_an_unknown_one(catalogue):
    client = signed_in(catalogue.coordinator)
    title = catalogue.need.title
    assert title not in client.get("/console/review/?sdg=9.c").content.decode()
    catalogue.need.sdg_targets.add("9.c")
    assert title in client.get("/console/review/?sdg=9.C").content.decode()
    unknown = client.get("/console/review/?sdg=99.z")
    assert unknown.status_code == 400 and b'href="#id_sdg"' in unknown.content


def test_the_proposal_page_lists_proposals_competing_for_the_same_offers(catalogue):
    from tests.factories import proposal_for

    rival = proposal_for([(catalogue.laptops, 30)])
    page = signed_in(catalogue.coordinator).get(f"/console/proposals/{catalogue.proposal.pk}/")
    assert f"/console/proposals/{rival.pk}/" in page.content.decode()
