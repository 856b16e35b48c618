from django.http import HttpResponse


def _todo(request, *args, **kwargs):  # replaced by the organizations work
    return HttpResponse("todo")


home = organization_create = organization_settings = _todo
segment_create = segment_update = segment_delete = _todo
