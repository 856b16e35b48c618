"""docs/RULES.md as the HTML of the "How the recommendations work" page.

Rendered with markdown-it (raw HTML in the document is escaped, unsafe link schemes are
refused), then every rule a reason can cite gets the anchor ``rules.citation_anchor`` gives
it, so that a citation on any page links straight to its text. The anchors follow the
document's known structure: part A's numbered list (A.1–A.7); in part B the paragraphs
that open with a rule's name in bold, the bullets of stages 1 and 4, and the numbered fill
order (B step 1–10).
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

from planner.rules import citation_anchor

RULES_PATH = Path(settings.BASE_DIR) / "docs" / "RULES.md"
SOURCE_PATH = Path(settings.BASE_DIR) / "docs" / "source-article-pl.txt"

# Part B's paragraphs named by the bold words they open with.
B_PARAGRAPHS = {
    "Stages": "B stages",
    "Recommended team size": "B team size",
    "Ratio": "B ratio",
    "Gap": "B gap",
    "Hiring lead time": "B lead time",
    "Roadmap": "B roadmap",
}
B_BULLETS = {"Stage 1:": "B stage 1", "Stage 4 adds": "B stage 4"}


@dataclass(frozen=True)
class RulesDocument:
    title: str
    html: SafeString
    anchors: frozenset[str]


def _markdown() -> MarkdownIt:
    # CommonMark with tables, and no raw HTML: the document is text, never markup.
    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def _inline_text(tokens: list[Token], start: int) -> str:
    """The source text of the first inline token at or after ``start``."""
    for token in tokens[start:]:
        if token.type == "inline":
            return token.content
    return ""


def anchor_rules(tokens: list[Token]) -> set[str]:
    """Sets the id of each rule's element in ``tokens``; returns the anchors set."""
    part = ""
    lists: list[list] = []  # the open lists, innermost last: [ordered?, items so far]
    anchors: set[str] = set()

    def mark(token: Token, citation: str) -> None:
        anchor = citation_anchor(citation)
        if anchor not in anchors:
            token.attrSet("id", anchor)
            anchors.add(anchor)

    for index, token in enumerate(tokens):
        token.attrs.pop("style", None)  # the Content-Security-Policy allows no inline style
        if token.type == "table_open":
            # On a phone a table scrolls sideways in its own box: the keyboard must reach it.
            token.attrSet("tabindex", "0")
        elif token.type == "heading_open" and token.tag == "h2":
            heading = _inline_text(tokens, index)
            part = "A" if heading.startswith("A.") else "B" if heading.startswith("B.") else ""
        elif token.type in ("ordered_list_open", "bullet_list_open"):
            start = int(token.attrGet("start") or 1) if token.type == "ordered_list_open" else 1
            lists.append([token.type == "ordered_list_open", start - 1])
        elif token.type in ("ordered_list_close", "bullet_list_close"):
            lists.pop()
        elif token.type == "list_item_open" and lists[-1][0]:
            lists[-1][1] += 1
            number = lists[-1][1]
            if part == "A" and len(lists) == 1:
                mark(token, f"A.{number}")
            elif part == "B" and len(lists) == 2 and not lists[0][0]:
                # The fill order, numbered inside the bullet "Stages 2–4".
                mark(token, f"B step {number}")
        elif token.type == "list_item_open" and part == "B":
            text = _inline_text(tokens, index)
            for opening, citation in B_BULLETS.items():
                if text.startswith(opening):
                    mark(token, citation)
        elif token.type == "paragraph_open" and part == "B" and not lists:
            match = re.match(r"\*\*([^*]+)\*\*", _inline_text(tokens, index))
            if match and match.group(1) in B_PARAGRAPHS:
                mark(token, B_PARAGRAPHS[match.group(1)])
    return anchors


@cache
def rules_document() -> RulesDocument:
    """RULES.md rendered once per process: it changes only with a deploy."""
    source = RULES_PATH.read_text(encoding="utf-8")
    markdown = _markdown()
    tokens = markdown.parse(source)
    anchors = anchor_rules(tokens)
    title = ""
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            title = _inline_text(tokens, index)
            # The page has its own heading; the document's title would repeat it.
            tokens = tokens[:index] + tokens[index + 3 :]
            break
    html = markdown.renderer.render(tokens, markdown.options, {})
    # Safe: markdown-it escapes the document's text and raw HTML is off.
    return RulesDocument(title=title, html=mark_safe(html), anchors=frozenset(anchors))
