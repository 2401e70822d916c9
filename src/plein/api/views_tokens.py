"""The API token page of the functional administrator: the list, making a token (shown once) and revoking one.

Making and revoking are audited (``plein.api.services``). A token is never stored: the page that shows it is sent
once, with ``Cache-Control: no-store``, and is not reachable again.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plein.core import roles as R
from plein.core.permissions import permission_required

from . import selectors, services
from .forms import TokenForm
from .models import ApiToken


def _organisation(request):
    org = request.organisation
    org = getattr(org, "_wrapped", org) if org else None
    if not org:
        raise Http404
    return org


@permission_required("api.manage_tokens")
@require_http_methods(["GET", "POST"])
def token_list(request):
    organisation = _organisation(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.create_token(
                organisation=organisation,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
                actor=request.user,
                role=R.FUNCTIONAL_ADMIN,
            )
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            response = render(request, "api/token_created.html", {"token": token, "raw": raw})
            response["Cache-Control"] = "no-store"
            return response
    if request.method == "POST":
        messages.error(request, _("No token was made. Correct the errors below and try again."))
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": list(selectors.tokens_for(organisation))},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("api.manage_tokens")
@require_POST
def token_revoke(request, token_id: int):
    organisation = _organisation(request)
    token = get_object_or_404(ApiToken, pk=token_id, organisation=organisation)
    services.revoke_token(token=token, actor=request.user, role=R.FUNCTIONAL_ADMIN)
    messages.success(
        request,
        _("The token %(prefix)s (%(name)s) has been revoked. It no longer works.")
        % {"prefix": token.prefix, "name": token.name},
    )
    return redirect("api_tokens:list")
