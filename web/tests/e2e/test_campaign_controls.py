"""Campaign controls in a real browser: the do-not-call list, a preflight check with a calling
window and retry outcomes, and the contacts export (see conftest.py for the setup)."""

from __future__ import annotations

import csv
import io
import re

from conftest import Hub, shot, sign_in
from playwright.sync_api import Page, expect


def test_do_not_call_check_create_and_export(page: Page, hub: Hub) -> None:
    listed = "+14155557001"
    sign_in(page, path="/do-not-call")
    expect(page.get_by_role("heading", name="Do not call", exact=True)).to_be_visible()
    add = page.get_by_role("form", name="Add a number")
    add.get_by_label("Phone number (E.164)").fill(listed)
    add.get_by_label("Reason").fill("asked on the phone")
    add.get_by_role("button", name="Add to list").click()
    row = page.get_by_role("row").filter(has_text=listed)
    expect(row).to_contain_text("asked on the phone")
    shot(page, "do-not-call")
    with hub.api() as api:
        got = api.get("/api/v1/dnc", params={"phone_number": listed}).json()
    assert [n["phone_number"] for n in got["numbers"]] == [listed]

    # The check reports the listed contact and sends the window and retry outcomes as set.
    page.goto("/campaigns/new")
    page.get_by_label("Name", exact=True).fill("Windowed")
    page.get_by_label("Agent", exact=True).select_option(label="Seed agent (active)")
    page.get_by_label("Retries per contact", exact=True).fill("1")
    page.get_by_label("failed", exact=True).uncheck()
    page.get_by_label("Only call within a window").check()
    page.get_by_label("Window end", exact=True).fill("24:00")
    page.get_by_label("sat", exact=True).check()
    page.get_by_label("sun", exact=True).check()
    page.get_by_label("Window start", exact=True).fill("00:00")
    contacts = ["+14155557002", listed, "+14155557003", "+14155557002"]
    page.get_by_label("Contacts CSV", exact=True).fill(
        "phone_number,first_name\n" + "\n".join(f"{c},P" for c in contacts) + "\n"
    )
    page.get_by_role("button", name="Check", exact=True).click()
    report = page.get_by_role("region", name="Check result")
    expect(report).to_contain_text("Create would accept this campaign.")
    expect(report.locator("dt:text-is('On the do-not-call list') + dd")).to_have_text("1")
    expect(report.locator("dt:text-is('Repeated numbers') + dd")).to_have_text("1")
    expect(report.locator("dt:text-is('To dial') + dd")).to_have_text("2")
    expect(report.locator("dt:text-is('Outside the calling window now') + dd")).to_have_text("0")
    shot(page, "campaign-check")
    page.get_by_role("button", name="Create campaign").click()
    expect(page).to_have_url(re.compile(r"/campaigns/camp_"))
    campaign_id = page.url.rsplit("/", 1)[1]
    with hub.api() as api:
        c = api.get(f"/api/v1/campaigns/{campaign_id}").json()
    assert c["retry_on"] == ["busy", "no_answer"]
    assert c["calling_window"]["start"] == "00:00"
    assert c["calling_window"]["end"] == "24:00"
    assert len(c["calling_window"]["days"]) == 7
    assert c["calling_window"]["timezone"] == "recipient"
    assert c["do_not_call_skipped"] == 1

    # Export CSV downloads the contacts with their status.
    with page.expect_download() as info:
        page.get_by_role("button", name="Export CSV").click()
    download = info.value
    assert download.suggested_filename == f"{campaign_id}-contacts.csv"
    path = download.path()
    rows = list(csv.DictReader(io.StringIO(open(path, encoding="utf-8").read())))
    by_number = {r["phone_number"]: r for r in rows}
    assert set(by_number) == {"+14155557002", listed, "+14155557003"}
    assert by_number[listed]["status"] == "skipped"
    assert by_number[listed]["attempts"] == "0"
    assert by_number["+14155557002"]["status"] == "pending"

    # Removing the number takes it off the list.
    page.goto("/do-not-call")
    page.get_by_role("row").filter(has_text=listed).get_by_role("button", name="Remove").click()
    page.get_by_role("dialog").get_by_role("button", name="Remove").click()
    expect(page.get_by_role("row").filter(has_text=listed)).to_have_count(0)
    with hub.api() as api:
        assert api.get("/api/v1/dnc", params={"phone_number": listed}).json()["numbers"] == []
