from django.http import HttpResponse


def _todo(request, *args, **kwargs):  # replaced by the roadmap work
    return HttpResponse("todo")


roadmap = roadmap_csv = _todo
