"""The cluster pages in a real browser: Debian's Chromium driven by Playwright, screenshots under tmp_path."""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from service import create_app
from service.runtime import Runtime
from tests.api.conftest import serve

playwright_api = pytest.importorskip("playwright.sync_api")

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Chromium from the system (Playwright's own download is not available offline)."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        if os.environ.get("CLAIMLENS_REQUIRE_BROWSER"):
            pytest.fail("chromium is not installed (.ci/run installs it with apt-get)")
        pytest.skip("chromium is not installed")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def seeded_url(seeded_runtime: Runtime) -> Iterator[str]:
    yield from serve(create_app(runtime=seeded_runtime))


@pytest.fixture
def empty_url(make_app: Callable[..., Flask]) -> Iterator[str]:
    yield from serve(make_app())


def test_a_contradiction_cluster_reads_side_by_side_on_a_desktop(browser, seeded_url: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{seeded_url}/clusters?kind=contradiction")
    page.locator("li.cluster-item a").first.click()
    page.wait_for_selector("section.side")
    page.screenshot(path=str(tmp_path / "cluster-desktop.png"), full_page=True)

    sides = page.locator("section.side")
    assert sides.count() >= 2
    first, second = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 1 and second["x"] >= first["x"] + first["width"]
    assert page.locator("svg circle.point").count() == page.locator(".timeline ol li").count() > 0
    assert page.locator("svg circle.point").first.is_visible()

    link = page.locator("a.source").first
    statement_anchor = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_selector(f"mark#{statement_anchor}")
    assert page.locator(f"mark#{statement_anchor}").is_visible()
    page.screenshot(path=str(tmp_path / "document-desktop.png"))
    assert (tmp_path / "cluster-desktop.png").stat().st_size > 10_000
    page.close()


def test_the_cluster_page_fits_a_phone(browser, seeded_url: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page.goto(f"{seeded_url}/clusters")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("li.cluster-item a").first.click()
    page.wait_for_selector("section.side")
    page.screenshot(path=str(tmp_path / "cluster-phone.png"), full_page=True)

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    boxes = [page.locator("section.side").nth(i).bounding_box() for i in range(page.locator("section.side").count())]
    assert all(box["width"] <= PHONE["width"] for box in boxes)
    if len(boxes) >= 2:  # stacked, not squeezed side by side
        assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"]
    # The timeline keeps legible labels: it scrolls inside its own box rather than widening the page.
    assert page.locator(".timeline .scroll").bounding_box()["width"] <= PHONE["width"]
    assert page.locator(".timeline svg").bounding_box()["width"] >= 560
    page.close()


def test_markup_in_a_document_is_shown_not_run(browser, empty_url: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport=DESKTOP)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    text = ('Officials said that <img src=x onerror="window.pwned=1;alert(1)"> and <script>alert(2)</script> '
            "were found in the leaked files.")
    answer = page.request.post(f"{empty_url}/v1/documents", data={"text": text, "title": "<i>t</i>"})
    assert answer.status == 201
    page.goto(f"{empty_url}/documents/{answer.json()['id']}")
    page.screenshot(path=str(tmp_path / "escaped.png"))
    assert page.evaluate("window.pwned === undefined") and not dialogs
    assert page.locator(".document-text").inner_text() == text
    assert page.locator("h1").inner_text() == "<i>t</i>"
    page.close()
