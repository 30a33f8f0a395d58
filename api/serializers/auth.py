"""Sign-in and registration."""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, help_text=_("Your username."))
    password = serializers.CharField(
        max_length=128,
        write_only=True,
        style={"input_type": "password"},
        help_text=_("Your password."),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send as `Authorization: Token <token>`."))
    expiry = serializers.DateTimeField(
        allow_null=True, help_text=_("When the token stops working.")
    )


class RegisterSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text=_("The new user's id."))
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z", max_length=150, help_text=_("Letters, digits and @/./+/-/_ only.")
    )
    email = serializers.EmailField(max_length=254, help_text=_("Your e-mail address."))
    password = serializers.CharField(
        min_length=8,
        max_length=128,
        write_only=True,
        style={"input_type": "password"},
        help_text=_("At least 8 characters."),
    )

    def validate_username(self, value: str) -> str:
        if get_user_model().objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError(_("This username is taken."), code="taken")
        return value

    def validate(self, attrs: dict) -> dict:
        candidate = get_user_model()(username=attrs["username"], email=attrs["email"])
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": list(error.messages)}) from error
        return attrs


class RegisteredSerializer(RegisterSerializer):
    token = serializers.CharField(
        read_only=True, help_text=_("Your first API token: send as `Authorization: Token <token>`.")
    )


class PasswordChangeSerializer(serializers.Serializer):
    current_password = serializers.CharField(
        max_length=128, write_only=True, help_text=_("Your password now.")
    )
    new_password = serializers.CharField(
        min_length=8, max_length=128, write_only=True, help_text=_("At least 8 characters.")
    )
