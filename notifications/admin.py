from django.contrib import admin

from notifications.models import Event, Notification, Preference


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject_type", "subject_id", "created_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "created_at", "read_at", "emailed_at"]
    list_select_related = ["event", "user"]
    raw_id_fields = ["event", "user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "language"]
    list_filter = ["email", "language"]
    raw_id_fields = ["user"]
