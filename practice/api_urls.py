from django.urls import path

from practice import api

urlpatterns = [
    path("practice/today/", api.PracticeTodayApi.as_view(), name="practice-today"),
    path("practice/answers/", api.PracticeAnswerApi.as_view(), name="practice-answer"),
]
