"""The need form in Chromium: rows added without JavaScript, errors linked from the summary, and
axe-core finding no WCAG 2.2 A/AA violation on the empty form, with errors and with five items."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from registry.models import Need, NeedItem
from tests.factories import PASSWORD
from tests.web.conftest import DESKTOP, PHONE, SCREENSHOTS, axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_need_form_empty_with_errors_and_with_five_items_is_accessible(page, scenario):
    # The "add another" buttons post the page back: no script is needed (the same page works
    # without JavaScript, see test_need_form); axe itself runs as a script.
    sign_in(page, "gov.officer", PASSWORD)
    page.goto("/console/needs/new/")
    assert axe_violations(page) == []

    page.locator("#id_title").fill("Screen readers for blind students in Kisumu")
    page.get_by_label("Resource 1", exact=True).select_option("assistive-devices")
    page.get_by_label("Quantity of resource 1").fill("100")
    for row in range(2, 6):
        page.get_by_role("button", name="Add another resource").click()
        expect(page.get_by_label(f"Resource {row}", exact=True)).to_have_value("")
        assert page.evaluate("location.hash") == f"#item-{row}"  # the new row, in view
    assert page.locator("#id_title").input_value().startswith("Screen readers")
    assert page.get_by_label("Quantity of resource 1").input_value() == "100"
    assert page.locator(".govuk-error-summary").count() == 0
    page.get_by_text("Find a target's code").click()
    expect(page.get_by_text("4.5", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=SCREENSHOTS / "need-form-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)

    page.get_by_label("Resource 5", exact=True).select_option("trainer-days")
    page.get_by_label("Dimension of group 1").fill("sex")
    page.get_by_label("Group 1", exact=True).fill("female")
    page.get_by_label("SDG targets").fill("4.5, 99.z")
    page.get_by_label("What was said and agreed in consultation 1").fill("Asked for Braille.")
    page.get_by_role("button", name="Publish need").click()
    summary = page.locator(".govuk-error-summary")
    for field in (
        "area",
        "sdg_targets",
        "group_1_baseline",
        "consultation_1_held_on",
        "item_5_quantity",
    ):
        expect(summary.locator(f"a[href='#id_{field}']")).to_be_visible()
    assert page.title().startswith("Error:")
    assert axe_violations(page) == []
    summary.locator("a[href='#id_sdg_targets']").click()
    assert page.evaluate("location.hash") == "#id_sdg_targets"
    assert not Need.objects.filter(title__startswith="Screen readers").exists()


def test_a_government_removes_an_item_and_changes_the_baseline_by_group(page, scenario):
    need = scenario.need
    need.indicator_disaggregation = {"sex": {"female": "6", "male": "8"}}
    need.save(update_fields=["indicator_disaggregation"])
    NeedItem.objects.create(need=need, category_id="tablets", kind="technical", quantity=5)
    sign_in(page, "gov.officer", PASSWORD)
    page.goto("/console/needs/")
    page.get_by_role("link", name=f"Change {need.title}").click()
    expect(page.get_by_label("Group 2", exact=True)).to_have_value("male")
    assert axe_violations(page) == []

    page.get_by_label("Baseline of group 2").fill("9")
    page.get_by_role("button", name="Add another group").click()
    page.get_by_label("Dimension of group 3").fill("disability")
    page.get_by_label("Group 3", exact=True).fill("with a disability")
    page.get_by_label("Baseline of group 3").fill("1")
    # the first two are in a proposal and stay; the third, added since, may go
    expect(page.get_by_label("Remove resource 2 from the need")).to_have_count(0)
    page.get_by_label("Remove resource 3 from the need").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text(f"“{need.title}” is saved.")).to_be_visible()
    need.refresh_from_db()
    assert need.indicator_disaggregation == {
        "disability": {"with a disability": "1"},
        "sex": {"female": "6", "male": "9"},
    }
    assert sorted(need.items.values_list("category_id", flat=True)) == ["laptops", "trainer-days"]


def test_enter_in_a_text_field_saves_a_draft_rather_than_adding_a_row(page, scenario):
    # The first button of a form is the one Enter presses; the "add another" buttons come first
    # on the page, so the form starts with a hidden copy of "Save as draft".
    sign_in(page, "gov.officer", PASSWORD)
    page.goto("/console/needs/new/")
    page.locator("#id_title").fill("Braille displays for the county library")
    page.locator("#id_title").press("Enter")
    page.wait_for_load_state()
    saved = Need.objects.filter(title="Braille displays for the county library").first()
    if saved is None:  # refused as a draft: the save was tried, and its errors are shown
        expect(page.locator(".govuk-error-summary")).to_be_visible()
    else:
        assert saved.status == Need.Status.DRAFT
    assert page.get_by_label("Dimension of group 2").count() == 0
    title = page.locator("#id_title")
    assert title.count() == 0 or title.input_value().startswith("Braille")
