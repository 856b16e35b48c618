from django.http import HttpResponse


def signup(request, *args, **kwargs):  # replaced by the accounts work
    return HttpResponse("signup")
