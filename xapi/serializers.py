from rest_framework import serializers


class StatementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    statement_id = serializers.UUIDField()
    verb = serializers.CharField()
    state = serializers.CharField()
    attempts = serializers.IntegerField()
    next_try_at = serializers.DateTimeField()
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    statement = serializers.JSONField(source="payload")


class StatementCounts(serializers.Serializer):
    pending = serializers.IntegerField()
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()


class StatementListOutput(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = StatementOutput(many=True)
    counts = StatementCounts()
    enabled = serializers.BooleanField(help_text="Whether XAPI_LRS_URL is set.")


class RetryOutput(serializers.Serializer):
    retried = serializers.IntegerField()
