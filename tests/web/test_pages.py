"""Every page in a real headless Chromium: screenshots, and no serious accessibility faults."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import Site
from tests.web.helpers import axe_violations, shot, sign_in
from tests.web.seed import HOSTILE_SUBJECT

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _check(page: Any, axe_source: str, name: str) -> None:
    shot(page, name)
    bad = axe_violations(page, axe_source)
    assert bad == [], f"{name}: {bad}"


def test_every_page_looks_right_and_passes_axe(site: Site, page: Any, axe_source: str) -> None:
    page.goto(f"{site.url}/login")
    _check(page, axe_source, "01-login")

    sign_in(page, site.url, "bs@example.gov.uk")
    assert page.url.endswith("/exceptions")
    assert page.get_by_role("heading", level=1).inner_text() == "Exceptions queue"
    _check(page, axe_source, "02-queue")

    page.goto(f"{site.url}/exceptions/{site.exception_id(HOSTILE_SUBJECT)}")
    _check(page, axe_source, "03-item")

    page.goto(f"{site.url}/visits")
    _check(page, axe_source, "04-visits")

    page.goto(f"{site.url}/flags")
    _check(page, axe_source, "05-flags")

    page.locator("main .card-title a").first.click()
    page.wait_for_load_state()
    assert "/records/" in page.url
    _check(page, axe_source, "06-record")

    page.goto(f"{site.url}/records/999999")
    _check(page, axe_source, "07-not-found")


def test_phone_width_queue_has_no_sideways_scroll(
    site: Site, browser: Any, axe_source: str
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        sign_in(page, site.url, "bs@example.gov.uk")
        for path, name in (("/exceptions", "08-phone-queue"),
                           (f"/exceptions/{site.exception_id(HOSTILE_SUBJECT)}", "09-phone-item"),
                           ("/visits", "10-phone-visits")):  # fmt: skip
            page.goto(site.url + path)
            _check(page, axe_source, name)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at phone width"
    finally:
        context.close()


def test_keyboard_reaches_the_skip_link_then_the_queue(site: Site, page: Any) -> None:
    sign_in(page, site.url, "bs@example.gov.uk")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id || document.activeElement.textContent")
    assert focused == "status"  # the first control in the main content: the queue's filter
    shot(page, "15-keyboard-focus", full=False)
