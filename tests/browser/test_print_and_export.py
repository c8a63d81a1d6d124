"""Printing and exporting the mentor pool, compliance and organization pages in a real
browser: the print button opens the print dialog (window.print, counted by the page), the
print view opens it by itself, and on paper only the content shows, tables in columns
even at phone width; a leader's export button downloads masked phone numbers."""

import io

import pytest
from openpyxl import load_workbook

from tests.factories import MentorFactory, PairingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Count the print dialogs a page opens instead of opening them.
COUNT_PRINTS = "window.__prints = 0; window.print = function () { window.__prints += 1; };"


def test_print_buttons_and_the_print_view(steps, county_user, cadre, other_cadre):
    for i in range(3):
        MentorFactory(township=cadre.village.township, name=f"打印导师{i}")
    page = steps.page
    page.context.add_init_script(COUNT_PRINTS)  # the print view opens in a new tab
    steps.login("county")

    steps.goto("/mentorship/compliance/")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__prints") == 1
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: tables stack into cards on screen
    assert not page.locator("table.table-stack thead").first.is_visible()
    page.emulate_media(media="print")
    steps.shot("compliance-print")
    assert not page.locator("nav.navbar").is_visible()
    assert not page.get_by_role("link", name="导出Excel").is_visible()
    assert page.locator(".printed-at").is_visible() and "打印人" in page.locator(".printed-at").inner_text()
    assert page.locator("table.table-stack thead").first.is_visible()  # on paper: columns, not cards
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1366, "height": 768})

    steps.goto("/org/")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__prints") == 1

    steps.goto("/mentorship/mentors/")
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="打印", exact=True).click()
    printing = opened.value
    printing.wait_for_load_state("load")
    printing.wait_for_function("window.__prints === 1")
    assert printing.locator("tbody tr").count() == 3 and "打印导师2" in printing.inner_text("body")
    printing.screenshot(path=steps.folder / "mentor-print-view.png", full_page=True)


def test_leader_exports_the_mentor_pool_masked(steps, leader, cadre):
    PairingFactory(cadre=cadre, mentor=MentorFactory(township=cadre.village.township, phone="13912345678"))
    steps.login("leader")
    page = steps.page
    steps.goto("/mentorship/mentors/")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出Excel").click()
    assert download.value.suggested_filename.startswith("导师库_")
    with open(download.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read()))["导师库"]
    phones = [row[5] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert phones == ["139****5678"]
