"""Sign in, sign out and register."""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from access.limits import AddressRateLimit
from registry.services.accounts import register_user
from web.forms import ChangePasswordForm, RegisterForm, SignInForm


class SignInView(auth_views.LoginView):
    template_name = "web/accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ChangePasswordView(auth_views.PasswordChangeView):
    template_name = "web/accounts/password.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("web:console")

    def form_valid(self, form):
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SignOutView(auth_views.LogoutView):
    """POST only (Django's rule); answers with the public home."""


@require_http_methods(["GET", "POST"])
def register(request):
    """Create an account, sign it in and open the console."""
    form = RegisterForm(request.POST or None)
    if request.method == "POST":
        # One allowance with the API's registration (scope `register`, per client address):
        # a refused username says it exists, so the attempts are counted before the form is read.
        limit = AddressRateLimit("register")
        if not limit.allow_request(request, None):
            minutes = max(1, math.ceil((limit.wait() or 60) / 60))
            form = RegisterForm.refused(
                ngettext(
                    "Too many registrations from your address: try again in %(minutes)d minute.",
                    "Too many registrations from your address: try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                initial={key: request.POST.get(key) for key in ("username", "email")},
            )
            return render(request, "web/accounts/register.html", {"form": form}, status=429)
        if form.is_valid():
            user = register_user(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready."))
            return redirect("web:console")
        return render(request, "web/accounts/register.html", {"form": form}, status=400)
    return render(request, "web/accounts/register.html", {"form": form})
