"""The signed-in user's e-mail preferences in the console: how each kind of event is mailed,
the daily digest's hour and time zone, and reminders. The rules are the preferences service's,
the same the API's `notifications/preferences/` calls."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from notifications.services.preferences import preference_of, set_preference
from web.preference_forms import PreferencesForm


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def preferences(request):
    """Show the user's choices; save them (all at once) and come back to the page."""
    if request.method != "POST":
        form = PreferencesForm(initial=PreferencesForm.initial_of(preference_of(user=request.user)))
        return render(request, "web/notifications/preferences.html", {"form": form})
    form = PreferencesForm(request.POST)
    if form.is_valid():
        try:
            set_preference(
                user=request.user,
                email=form.cleaned_data["email"],
                nudges=form.cleaned_data["nudges"],
                time_zone=form.cleaned_data["time_zone"],
                digest_hour=form.cleaned_data["digest_hour"],
                kinds=form.kinds(),
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
            form.style_fields()
        else:
            messages.success(request, _("Your e-mail preferences are saved."))
            return redirect("web:preferences")
    return render(request, "web/notifications/preferences.html", {"form": form}, status=400)
