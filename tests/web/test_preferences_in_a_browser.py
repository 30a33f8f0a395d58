"""A user chooses how they hear of their notifications in the console: reached from the inbox,
saved without JavaScript, errors summarized, axe-clean; the same service and the same saved
choices as the API's notifications/preferences/."""

from __future__ import annotations

import pytest

from notifications.models import Kind, Preference
from tests.conftest import client_for
from tests.factories import PASSWORD
from tests.web.conftest import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

CONFIRM = Kind.ACCEPTANCE_TO_CONFIRM


def test_a_partner_chooses_its_e_mail_per_kind_from_the_inbox(page, scenario):
    sign_in(page, "ngo.editor", PASSWORD)
    page.get_by_role("link", name="Inbox").click()
    page.get_by_role("link", name="Choose what is also sent to you by e-mail").click()
    page.wait_for_url("**/console/preferences/")
    assert page.get_by_role("heading", name="E-mail preferences").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("E-mail for every kind not chosen below").select_option("off")
    page.get_by_label(str(CONFIRM.label)).select_option("daily")
    page.get_by_label("Hour of the daily digest").select_option("7")
    page.get_by_label("Your time zone").select_option("Africa/Nairobi")
    page.get_by_label("Send me reminders", exact=False).uncheck()
    page.get_by_role("button", name="Save preferences").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.get_by_text("Your e-mail preferences are saved.").is_visible()
    assert page.get_by_label(str(CONFIRM.label)).input_value() == "daily"
    assert axe_violations(page) == []
    saved = Preference.objects.get(user=scenario.ngo_editor)
    assert (saved.email, saved.kinds, saved.digest_hour, saved.time_zone, saved.nudges) == (
        "off",
        {CONFIRM.value: "daily"},
        7,
        "Africa/Nairobi",
        False,
    )
    # The API reads the same choices.
    api = client_for(scenario.ngo_editor).get("/api/v1/notifications/preferences/").json()
    assert (api["email"], api["kinds"], api["digest_hour"]) == ("off", {CONFIRM.value: "daily"}, 7)


def test_an_error_is_summarized_and_linked_to_its_field_and_saves_nothing(page, scenario):
    sign_in(page, "ngo.editor", PASSWORD)
    page.goto("/console/preferences/")
    # A time zone the list does not have (as a hand-made request would send).
    page.locator("#id_time_zone").evaluate(
        "select => { select.options[select.selectedIndex].value = 'Mars/Olympus'; }"
    )
    page.get_by_label("E-mail for every kind not chosen below").select_option("daily")
    with page.expect_navigation():
        page.get_by_role("button", name="Save preferences").click()

    summary = page.get_by_role("alert")
    assert summary.get_by_text("There is a problem").is_visible()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_time_zone"
    assert page.title().startswith("Error:")
    assert axe_violations(page) == []
    assert not Preference.objects.filter(user=scenario.ngo_editor).exists()


def test_the_page_saves_without_javascript(browser, live_server, scenario):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    try:
        page = context.new_page()
        sign_in(page, "ngo.editor", PASSWORD)
        page.goto("/console/preferences/")
        page.get_by_label(str(CONFIRM.label)).select_option("off")
        with page.expect_navigation():
            page.get_by_role("button", name="Save preferences").click()
        assert page.get_by_text("Your e-mail preferences are saved.").is_visible()
    finally:
        context.close()
    assert Preference.objects.get(user=scenario.ngo_editor).kinds == {CONFIRM.value: "off"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("time_zone", "Mars/Olympus"), ("kind_" + CONFIRM.value, "hourly"), ("digest_hour", "24")],
)
def test_a_bad_value_answers_400_and_changes_nothing(client, scenario, field, value):
    client.force_login(scenario.ngo_editor)
    data = {"email": "daily", "digest_hour": "8", "time_zone": "UTC", field: value}

    response = client.post("/console/preferences/", data)

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not Preference.objects.filter(user=scenario.ngo_editor).exists()
