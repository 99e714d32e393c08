"""The server-rendered pages: cluster list and filters, one cluster's sides and timeline, documents."""
from __future__ import annotations

import re
from html import unescape

from flask.testing import FlaskClient


def _contradiction(seeded: FlaskClient) -> dict:
    return seeded.get("/v1/clusters?kind=contradiction").get_json()["items"][0]


def test_cluster_list_shows_every_cluster_and_filters_by_kind(seeded: FlaskClient) -> None:
    everything = seeded.get("/v1/clusters?limit=500").get_json()
    page = seeded.get("/clusters").get_data(as_text=True)
    assert page.count('class="cluster-item"') == min(20, everything["total"])
    for cluster in everything["items"][:20]:
        assert f'href="/clusters/{cluster["id"]}"' in page

    contradictions = seeded.get("/clusters?kind=contradiction").get_data(as_text=True)
    assert contradictions.count('class="cluster-item"') == seeded.get(
        "/v1/clusters?kind=contradiction").get_json()["total"]
    assert 'badge corroboration' not in contradictions


def test_cluster_page_shows_both_sides_with_speakers_quotes_sources_and_a_timeline(seeded: FlaskClient) -> None:
    cluster = _contradiction(seeded)
    page = seeded.get(f"/clusters/{cluster['id']}").get_data(as_text=True)
    sections = page.split('<section class="side ')[1:]
    assert len(sections) == len(cluster["sides"]) >= 2
    for section, side in zip(sections, cluster["sides"], strict=True):
        text = unescape(section)
        for statement in side["statements"]:
            assert statement["claim"] in text
            assert statement["speaker"]["name"] in text
            assert f'/documents/{statement["document_id"]}#s-{statement["id"]}' in section
    points = re.findall(r'<circle class="point side-(\d)" data-statement="(\d+)"', page)
    assert sorted(int(sid) for _, sid in points) == sorted(e["statement_id"] for e in cluster["timeline"])


def test_document_page_marks_each_statement(seeded: FlaskClient) -> None:
    document = seeded.get("/v1/documents/1").get_json()
    page = seeded.get("/documents/1").get_data(as_text=True)
    for statement in document["statements"]:
        span = document["text"][statement["claim_span"]["start"]:statement["claim_span"]["end"]]
        assert re.search(rf'<mark id="s-{statement["id"]}"[^>]*>{re.escape(str(escape_html(span)))}</mark>', page)


def escape_html(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def test_pages_answer_bad_filters_and_unknown_ids_with_an_html_error(seeded: FlaskClient) -> None:
    for path, status in (("/clusters?since=yesterday", 400), ("/clusters?kind=rumour", 400),
                         ("/clusters?page=-1", 400), ("/clusters?q=%00", 400), ("/clusters/999999", 404),
                         ("/documents/0", 404), ("/documents/99999999999", 404), ("/nowhere", 404)):
        response = seeded.get(path)
        assert response.status_code == status, path
        if path != "/nowhere":  # outside the pages the API's JSON errors apply
            assert response.mimetype == "text/html" and 'id="error-message"' in response.get_data(as_text=True)


def test_html_and_sql_in_a_document_are_stored_verbatim_and_shown_escaped(client: FlaskClient) -> None:
    text = ("Officials said that <script>alert('x')</script> and '; DROP TABLE statements; -- "
            "were found in the leaked files.")
    created = client.post("/v1/documents", json={"text": text, "title": "<b>bold</b>"}).get_json()
    assert client.get(f"/v1/documents/{created['id']}").get_json()["text"] == text
    page = client.get(f"/documents/{created['id']}").get_data(as_text=True)
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "DROP TABLE statements" in page
