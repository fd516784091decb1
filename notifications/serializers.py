"""Output shapes of the notifications API."""

from rest_framework import serializers


class NotificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField(source="display_title")
    body = serializers.CharField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class MarkedOutput(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")
