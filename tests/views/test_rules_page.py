import re

from django.urls import reverse

from planner import rules
from planner.rules_document import anchor_rules, rules_document
from tests.factories import SnapshotFactory


def test_it_is_public_and_shows_both_parts_of_the_rules(client):
    response = client.get(reverse("rules"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>How the recommendations work</h1>" in body
    assert "A. What the article says" in body and "B. How the project applies it" in body
    assert f'href="{reverse("rules_source")}"' in body


def test_every_rule_a_reason_can_cite_has_its_anchor_on_the_page(client):
    body = client.get(reverse("rules")).content.decode()
    ids = set(re.findall(r' id="([^"]+)"', body))
    missing = [c for c in rules.CITATIONS if rules.citation_anchor(c) not in ids]
    assert missing == []


def test_each_anchor_sits_on_the_text_of_its_rule(client):
    body = client.get(reverse("rules")).content.decode()

    def text_at(anchor):
        start = body.index(f'id="{anchor}"')
        return re.sub(r"<[^>]+>", "", body[start : start + 400])

    assert "Ratio." in text_at("a-1")
    assert "Stage 50–500." in text_at("a-4")
    assert "program_manager" in text_at("b-step-3")
    assert "span of control" in text_at("b-step-10")
    assert "Hiring lead time" in text_at("b-lead-time")
    assert "Roadmap" in text_at("b-roadmap")
    assert "Stage 4 adds" in text_at("b-stage-4")


def test_markup_in_the_document_is_shown_as_text_and_no_inline_style_is_left():
    from markdown_it import MarkdownIt

    markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = markdown.parse(
        "## A. x\n\n1. <script>alert(1)</script> [x](javascript:alert(1))\n\n"
        "| a | b |\n|:--|--:|\n| 1 | 2 |\n"
    )
    anchor_rules(tokens)
    html = markdown.renderer.render(tokens, markdown.options, {})
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html  # refused as a link, left as text
    assert "style=" not in html
    assert 'id="a-1"' in html
    assert "style=" not in rules_document().html


def test_a_table_of_the_document_can_be_scrolled_from_the_keyboard():
    assert '<table tabindex="0">' in rules_document().html


def test_the_source_article_is_served_as_text(client):
    response = client.get(reverse("rules_source"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "inline" in response["Content-Disposition"]
    assert b"Enablement" in b"".join(response.streaming_content)


def test_every_citation_after_a_reason_links_to_its_rule(client, organization, owner):
    SnapshotFactory(organization=organization, sales=300, customer_success=100)
    client.force_login(owner)
    body = client.get(reverse("gap", args=[organization.slug])).content.decode()
    links = re.findall(r'<a href="([^"]+)"[^>]*><cite>([^<]+)</cite></a>', body)
    assert links
    rules_url = reverse("rules")
    for href, citation in links:
        assert href == f"{rules_url}#{rules.citation_anchor(citation)}"
    assert "<cite>" not in re.sub(r"<a href[^>]*><cite>[^<]+</cite></a>", "", body)
