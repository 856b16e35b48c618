"""How the recommendations work: RULES.md as a page, and the article it restates.

Public, like the rules themselves: the page names no organization and shows nothing of
anyone's plan. Every citation after a reason links to its rule's anchor here.
"""

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from planner.rules_document import SOURCE_PATH, rules_document


@require_safe
def rules(request: HttpRequest) -> HttpResponse:
    return render(request, "planner/rules.html", {"document": rules_document()})


@require_safe
def rules_source(request: HttpRequest) -> FileResponse:
    """The source article (a Polish translation), as plain text shown in the browser."""
    response = FileResponse(
        SOURCE_PATH.open("rb"),
        content_type="text/plain; charset=utf-8",
        filename="source-article-pl.txt",
    )
    response["Content-Disposition"] = 'inline; filename="source-article-pl.txt"'
    return response
