from django.contrib import admin

from practice.models import PracticeAnswer, PracticeCard, PracticePreference, PracticeSet


@admin.register(PracticeSet)
class PracticeSetAdmin(admin.ModelAdmin):
    list_display = ("user", "day", "built_at")
    list_filter = ("day",)
    search_fields = ("user__email", "user__name")
    raw_id_fields = ("user",)


@admin.register(PracticeCard)
class PracticeCardAdmin(admin.ModelAdmin):
    list_display = ("user", "question", "state", "due_at", "reviews", "lapses")
    raw_id_fields = ("user", "question")


@admin.register(PracticeAnswer)
class PracticeAnswerAdmin(admin.ModelAdmin):
    list_display = ("set", "question", "credit", "answered_at")
    raw_id_fields = ("set", "question")


@admin.register(PracticePreference)
class PracticePreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "nudge", "nudge_hour")
    raw_id_fields = ("user",)
