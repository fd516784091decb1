from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.forms import ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.forms import AdminLoginForm, AdminPasswordForm
from accounts.models import ApiToken, ExternalIdentity, Invitation, Membership, Team, User

admin.site.login_form = AdminLoginForm
admin.site.site_header = _("Readiness admin")
admin.site.site_title = _("Readiness admin")


class UserCreateForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("team",)


class ExternalIdentityInline(admin.TabularInline):
    """The person's single sign-on links (docs/sso.md). Deleting one unlinks it: their next
    single sign-on links again by verified email."""

    model = ExternalIdentity
    extra = 0
    fields = ("issuer", "subject", "email", "created_at", "last_login_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # made by signing in, never by hand


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    change_password_form = AdminPasswordForm  # a new password revokes the user's API tokens
    ordering = ("email",)
    list_display = ("email", "name", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_active", "language")
    search_fields = ("email", "name")
    inlines = (MembershipInline, ExternalIdentityInline)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {
                "fields": ("name", "time_zone", "language", "locale_chosen", "email_notifications"),
                "description": _(
                    "Until “language and time zone chosen” is ticked, the next login takes "
                    "both from the person's browser."
                ),
            },
        ),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
        (_("Personal data"), {"fields": ("erased_at", "personal_data")}),
    )
    readonly_fields = ("erased_at", "personal_data")
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),
    )

    @admin.display(description=_("export or erase"))
    def personal_data(self, obj: User) -> str:
        """Links to the person's export and erasure (docs/privacy.md)."""
        if obj.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("privacy:person_export", args=[obj.pk]),
            _("Download their data (ZIP)"),
            reverse("privacy:person_erase", args=[obj.pk]),
            _("Erase their personal data…"),
        )

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        """An inactive account keeps no API token, so reactivating it brings none back.

        The admin saves inside one transaction, so the user and the revocation go together.
        """
        super().save_model(request, obj, form, change)
        if not obj.is_active:
            services.api_tokens_revoke_all(user=obj, reason="deactivated")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)
    inlines = (MembershipInline,)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "team",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "state_label",
    )
    list_filter = ("role",)
    search_fields = ("email", "team__name")
    list_select_related = ("team", "invited_by")
    readonly_fields = ("sent_at", "accepted_at", "accepted_by", "created_at")
    autocomplete_fields = ("team", "invited_by")

    @admin.display(description=_("state"))
    def state_label(self, obj: Invitation) -> str:
        return str(INVITATION_STATES.get(obj.state, obj.state))


INVITATION_STATES = {
    "pending": _("pending"),
    "accepted": _("accepted"),
    "revoked": _("withdrawn"),
    "expired": _("expired"),
}


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "name", "prefix")
    readonly_fields = ("user", "prefix", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # keys are made by users on their token page or through the API
