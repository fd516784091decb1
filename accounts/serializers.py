from rest_framework import serializers

from accounts.models import Membership


class TokenObtainInput(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=512, trim_whitespace=False)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()


class MeTeam(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class PingOutput(serializers.Serializer):
    user = serializers.IntegerField()


class MeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    time_zone = serializers.CharField()
    language = serializers.CharField()
    email_notifications = serializers.BooleanField()
    is_admin = serializers.BooleanField()
    teams = MeTeam(many=True)


class MeUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=150, required=False)
    time_zone = serializers.CharField(max_length=64, required=False)
    language = serializers.CharField(max_length=10, required=False)
    email_notifications = serializers.BooleanField(required=False)


class TeamOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField(
        source="my_role", allow_null=True, help_text="The caller's role; null for an admin."
    )
    member_count = serializers.IntegerField()


class MemberOutput(serializers.Serializer):
    id = serializers.IntegerField(source="user.id")
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.name")
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    joined_at = serializers.DateTimeField(source="created_at")
