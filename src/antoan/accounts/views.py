from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from antoan.accounts import selectors, services
from antoan.accounts.forms import ApiTokenForm, LoginForm
from antoan.accounts.models import User
from antoan.core.errors import DomainError, NotFound
from antoan.core.forms import add_domain_errors


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request, user_pk=None):
    """A user's API tokens: create (the key is shown once, on this response) and revoke. An administrator
    manages anyone's tokens at /tai-khoan/<id>/khoa-api/."""
    owner = request.user if user_pk is None else get_object_or_404(User, pk=user_pk)
    try:
        tokens = selectors.api_token_list(user=request.user, owner=owner)
    except NotFound:
        raise Http404 from None
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                token = get_object_or_404(tokens, pk=request.POST["revoke"])
                services.api_token_revoke(user=request.user, token=token)
                messages.success(request, _("Token revoked: %(name)s") % {"name": token.name})
                return redirect(request.path)
            if form.is_valid():
                new_key = services.api_token_create(user=request.user, owner=owner, name=form.cleaned_data["name"])[1]
                form = ApiTokenForm()
        except DomainError as exc:
            add_domain_errors(form, exc)
    context = {"owner": owner, "tokens": tokens, "form": form, "new_key": new_key}
    return render(request, "accounts/api_tokens.html", context)
