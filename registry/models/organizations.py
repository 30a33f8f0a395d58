"""Organizations and the people who act for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.lookups import IContains
from django.utils.translation import gettext_lazy as _
from modeltrans.fields import TranslationField

from registry.areas import validate_country_code
from registry.models.audit import audited
from registry.user_content import content_languages, i18n_key


class OrganizationQuerySet(models.QuerySet):
    def active(self) -> OrganizationQuerySet:
        return self.filter(is_active=True)

    def named_like(self, text: str) -> OrganizationQuerySet:
        """Organizations whose name, or one of its translations, contains `text` (any case)."""
        # The i18n keys are read as they are stored (modeltrans' own `name_en` is the column).
        matches = Q(name__icontains=text)
        for language in content_languages():
            matches |= Q(IContains(KeyTextTransform(i18n_key("name", language), "i18n"), text))
        return self.filter(matches)

    def of_member(self, user, roles: tuple[str, ...] | None = None) -> OrganizationQuerySet:
        """Organizations the user belongs to (with one of `roles`, when given)."""
        if not user.is_authenticated:
            return self.none()
        memberships = Membership.objects.filter(user=user)
        if roles:
            memberships = memberships.filter(role__in=roles)
        return self.filter(pk__in=memberships.values("organization_id"))


class OrganizationKind(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    NGO = "ngo", _("Non-governmental organization")
    COMPANY = "company", _("Company")
    DONOR = "donor", _("Donor")
    MULTILATERAL = "multilateral", _("Multilateral")
    ACADEMIA = "academia", _("Academia")
    COMMUNITY = "community", _("Community organization")


# What each kind covers, as the reference page explains it.
KIND_DESCRIPTIONS = {
    OrganizationKind.GOVERNMENT: _(
        "A national government or one of its ministries and agencies; it posts needs."
    ),
    OrganizationKind.LOCAL_GOVERNMENT: _(
        "A county, province, district or city administration; it posts needs for its area."
    ),
    OrganizationKind.NGO: _("A non-governmental, non-profit organization."),
    OrganizationKind.COMPANY: _("A private company, including its foundation or social programme."),
    OrganizationKind.DONOR: _("A bilateral donor agency, a foundation or a fund that gives money."),
    OrganizationKind.MULTILATERAL: _(
        "An intergovernmental organization, such as a UN agency or a development bank."
    ),
    OrganizationKind.ACADEMIA: _("A university, a research institute or a school."),
    OrganizationKind.COMMUNITY: _(
        "An organization of the people a need affects; it endorses the needs that answer their "
        "priorities."
    ),
}


@audited()
class Organization(models.Model):
    """A government, NGO, company, donor, multilateral, academic or community organization."""

    Kind = OrganizationKind

    # IATI OrganisationType codes, for export.
    IATI_TYPES = {
        "government": "10",
        "local_government": "11",
        "ngo": "22",
        "company": "70",
        "donor": "60",
        "multilateral": "40",
        "academia": "80",
        "community": "24",
    }
    GOVERNMENT_KINDS = (OrganizationKind.GOVERNMENT, OrganizationKind.LOCAL_GOVERNMENT)

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    country = models.CharField(max_length=2, validators=[validate_country_code])
    # NULL, not "", when absent: the unique constraint applies only to identifiers given.
    identifier = models.CharField(  # noqa: DJ001
        max_length=64,
        null=True,
        blank=True,
        help_text=_("org-id.guide identifier, e.g. GB-COH-09506232."),
    )
    website = models.URLField(blank=True, max_length=300)
    description = models.TextField(blank=True, max_length=5000)
    # The language name and description are written in; translations into the other five are in
    # i18n (name_fr, description_ar …), read and written through registry.user_content.
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        db_default="en",
        help_text=_("The language the name and description are written in."),
    )
    i18n = TranslationField(fields=("name", "description"))
    contact_email = models.EmailField(
        blank=True, help_text=_("Private: shown to members and coordinators only.")
    )
    contact_phone = models.CharField(
        blank=True, max_length=40, help_text=_("Private: shown to members and coordinators only.")
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    represented_groups = models.ManyToManyField(
        "registry.VulnerableGroup",
        blank=True,
        related_name="representatives",
        help_text=_(
            "Community organizations: the vulnerable groups they represent (verified with "
            "the organization); they endorse only needs that target one of them."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values), name="organization_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["identifier"],
                condition=Q(identifier__isnull=False),
                name="organization_identifier_unique",
            ),
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"), name="organization_country_alpha2"
            ),
            models.CheckConstraint(
                condition=Q(verified_at__isnull=True) | Q(verified_by__isnull=False),
                name="organization_verified_by_coordinator",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_government(self) -> bool:
        return self.kind in self.GOVERNMENT_KINDS

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("Admin")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


@audited()
class Membership(models.Model):
    """A user acting for an organization, as admin, editor or viewer."""

    Role = MembershipRole

    WRITERS = (MembershipRole.ADMIN, MembershipRole.EDITOR)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} ({self.role})"
