from django.contrib.auth import get_user_model
from django.http import JsonResponse
from django.shortcuts import redirect, render

from liaison.core.access import public, signed_in
from liaison.core.home import panels_for


@public
def root(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    return render(request, "core/welcome.html")


@signed_in
def home(request):
    return render(request, "core/home.html", {"panels": panels_for(request)})


@public
def healthz(request):
    """Liveness with one indexed read and no template: also the benchmarks' floor."""
    user_model = get_user_model()
    exists = user_model.objects.filter(pk=1).values_list("pk", flat=True).first() is not None
    return JsonResponse({"ok": True, "db": True, "seeded": exists})
