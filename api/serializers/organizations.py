"""Organizations and their members."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.fields import taxonomy_field, translations_field
from registry.models import Membership, Organization, VulnerableGroup
from registry.models.visibility import is_coordinator, member_organization_ids
from registry.services.organizations import ORGANIZATION_TEXTS


class ContactSerializer(serializers.Serializer):
    email = serializers.EmailField(allow_blank=True, help_text=_("Contact e-mail address."))
    phone = serializers.CharField(allow_blank=True, help_text=_("Contact telephone number."))


class OrganizationSerializer(serializers.ModelSerializer):
    """An organization; contact details are shown only to its members and to coordinators."""

    verified = serializers.SerializerMethodField(help_text=_("Verified by a coordinator."))
    contact = serializers.SerializerMethodField(
        help_text=_(
            "Contact details: null unless you are a member of this organization or a coordinator."
        )
    )
    identifier = serializers.CharField(
        max_length=64,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text=_(
            "org-id.guide identifier, PREFIX-localid with PREFIX a list of the register "
            "that covers the organization's country (or an international list such as XI-IATI), e.g. "
            "GB-COH-09506232; unique when given."
        ),
    )
    confirm_distinct = serializers.BooleanField(
        write_only=True,
        default=False,
        help_text=_(
            "On registration: true registers the organization even though likely "
            "duplicates exist (a 409 lists them otherwise). Ignored on edits."
        ),
    )
    represented_groups = taxonomy_field(
        VulnerableGroup.objects.all(),
        "vulnerable group",
        many=True,
        required=False,
        help_text=_(
            "Community organizations: slugs of the vulnerable groups they represent "
            "(checked when the organization is verified); they endorse only needs for these groups."
        ),
    )

    translations = translations_field(
        ORGANIZATION_TEXTS,
        help_text=_(
            "The texts in other languages than `language`, e.g. "
            '{"fr": {"name": …}}; written whole (a language left out is removed).'
        ),
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "kind",
            "country",
            "identifier",
            "website",
            "description",
            "language",
            "translations",
            "contact_email",
            "contact_phone",
            "contact",
            "represented_groups",
            "confirm_distinct",
            "verified",
            "verified_at",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["verified_at", "is_active", "created_at", "updated_at"]
        extra_kwargs = {
            "contact_email": {"write_only": True},
            "contact_phone": {"write_only": True},
            "name": {"help_text": "The organization's name."},
            "kind": {"help_text": "Stakeholder kind; maps to an IATI OrganisationType code."},
            "country": {"help_text": "ISO 3166-1 alpha-2 code of the country of registration."},
            "website": {"help_text": "Public website."},
            "description": {"help_text": "What the organization does."},
            "verified_at": {"help_text": "When a coordinator verified the organization."},
            "is_active": {"help_text": "Inactive organizations are hidden and cannot offer."},
        }

    def get_verified(self, organization: Organization) -> bool:
        return organization.verified_at is not None

    @extend_schema_field(ContactSerializer(allow_null=True))
    def get_contact(self, organization: Organization) -> dict[str, str] | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not (
            is_coordinator(user) or organization.pk in member_organization_ids(user)
        ):
            return None
        return {"email": organization.contact_email, "phone": organization.contact_phone}

    def validate_country(self, value: str) -> str:
        return value.upper() if isinstance(value, str) else value


class MembershipSerializer(serializers.ModelSerializer):
    """A user's role in an organization."""

    user = serializers.IntegerField(
        source="user_id", read_only=True, help_text=_("The member's user id.")
    )
    username = serializers.CharField(
        source="user.username", max_length=150, help_text=_("The member's username.")
    )
    role = serializers.ChoiceField(
        choices=Membership.Role.choices, help_text=_("admin, editor or viewer.")
    )

    class Meta:
        model = Membership
        fields = ["user", "username", "role", "created_at"]
        read_only_fields = ["created_at"]
