"""The console in the six UN languages in Chromium: accessible in each, Arabic mirrored, Russian
within a phone's width, and the language switcher working without JavaScript."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD
from tests.web.conftest import PHONE, SCREENSHOTS, axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["ar", "zh-hans", "en", "fr", "ru", "es"]


def test_the_main_pages_have_no_accessibility_violation_in_any_of_the_six_languages(page, scenario):
    page.set_default_navigation_timeout(30_000)
    found = {}
    for language in LANGUAGES:
        pages = ["/", "/needs/", f"/needs/{scenario.need.id}/", "/reference/", "/accounts/login/"]
        for path in pages:
            response = page.goto(f"{path}?lang={language}")
            assert response.status == 200, path
            assert response.headers["content-language"] == language
            assert page.locator("html").get_attribute("lang") == language
            violations = axe_violations(page)
            if violations:
                found[f"{language} {path}"] = violations
    assert found == {}


def _box(page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


def _text_box(page, selector: str) -> dict[str, float]:
    """Where an element's words are drawn (a block's box spans the line whatever the direction)."""
    return page.locator(selector).first.evaluate(
        """element => {
            const range = document.createRange();
            range.selectNodeContents(element);
            const box = range.getBoundingClientRect();
            return {x: box.x, width: box.width};
        }"""
    )


def test_arabic_pages_are_laid_out_right_to_left(page, scenario):
    SCREENSHOTS.mkdir(exist_ok=True)
    layouts = {}
    for language in ("en", "ar"):
        page.goto(f"/accounts/login/?lang={language}")
        page.screenshot(path=str(SCREENSHOTS / f"login-{language}.png"), full_page=True)
        label, field = _text_box(page, "label[for=id_username]"), _box(page, "#id_username")
        items = page.locator(".govuk-service-navigation__item")
        first, last = items.first.bounding_box(), items.last.bounding_box()
        layouts[language] = {
            "dir": page.locator("html").get_attribute("dir"),
            "label_from_right": field["x"] + field["width"] - (label["x"] + label["width"]),
            "label_from_left": label["x"] - field["x"],
            "navigation_starts_right": first["x"] > last["x"],
            "name_right_of_switcher": _box(page, ".registry-header__name")["x"]
            > _box(page, ".registry-language")["x"],
        }
    english, arabic = layouts["en"], layouts["ar"]
    assert (english["dir"], arabic["dir"]) == ("ltr", "rtl")
    # The label's words start where its field starts: on the left in English, on the right in Arabic.
    assert english["label_from_left"] < 2 < english["label_from_right"]
    assert arabic["label_from_right"] < 2 < arabic["label_from_left"]
    assert not english["navigation_starts_right"] and arabic["navigation_starts_right"]
    assert not english["name_right_of_switcher"] and arabic["name_right_of_switcher"]


def test_numbers_and_codes_stay_left_to_right_inside_arabic(page, scenario):
    page.goto(f"/needs/{scenario.need.id}/?lang=ar")
    page.screenshot(path=str(SCREENSHOTS / "need-ar.png"), full_page=True)
    code = page.locator("bdi", has_text=scenario.need.area).first
    assert code.evaluate("element => getComputedStyle(element).direction") == "ltr"


def test_russian_pages_fit_a_phone_without_overflowing_text(browser, live_server, scenario):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, "coordinator", PASSWORD)
        overflowing = {}
        for path in ["/console/", "/console/review/", "/needs/", "/dashboard/", "/reference/"]:
            page.goto(f"{path}?lang=ru")
            page.screenshot(path=str(SCREENSHOTS / f"ru-360{path.replace('/', '-')}.png"))
            found = page.evaluate(
                """() => {
                    const wide = document.documentElement.scrollWidth > innerWidth;
                    const clipped = [...document.querySelectorAll(
                        'h1, h2, h3, p, a, button, label, legend, th, dt, dd, li, span'
                    )].filter(element => !element.closest(
                        '.registry-table-scroll, .govuk-visually-hidden, .govuk-skip-link')
                        && element.scrollWidth > element.clientWidth + 1
                        && getComputedStyle(element).overflowX !== 'visible')
                      .map(element => element.textContent.trim().slice(0, 40));
                    const outside = [...document.querySelectorAll('h1, h2, p, label, button, a')]
                      .filter(element => !element.closest('.registry-table-scroll'))
                      .filter(element => element.getBoundingClientRect().right > innerWidth + 1)
                      .map(element => element.textContent.trim().slice(0, 40));
                    return wide || clipped.length || outside.length
                        ? {wide, clipped, outside} : null;
                }"""
            )
            if found:
                overflowing[path] = found
        assert overflowing == {}
    finally:
        context.close()


def test_the_language_switcher_keeps_the_page_without_javascript(browser, live_server, scenario):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/needs/")
        page.get_by_label("Language").select_option("fr")
        page.get_by_role("button", name="Change language").click()
        page.wait_for_url("**/needs/")
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.get_by_role("button", name="Changer de langue").is_visible()
        page.goto("/")
        assert page.locator("html").get_attribute("lang") == "fr"
    finally:
        context.close()
