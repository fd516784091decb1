"""Writes for assessments, one module per job:

- ``versions``: authoring quiz versions, their checks and publishing;
- ``translations``: a version's texts in another language;
- ``attempts``: starting, submitting and deleting attempts;
- ``answers``: saving an answer (the answer-save SQL lives here, and only here);
- ``grading``: scoring submitted attempts in batches, exactly once, and the sweep;
- ``item_analysis``: facility and discrimination per question;
- ``candidates``: candidate invitations.

Other apps import ``assessments.services`` and the names below; inside the app, import the
module that does the job.

Guarantees (each has a test):
- an attempt is stored as submitted in the request; scoring happens in Celery after commit;
- submitting twice, in parallel, or running the scoring task twice scores once;
- no answer is saved after submit or after the deadline plus grace (409), and nothing saved
  before is lost;
- if the broker is down at submit time, ``attempts_sweep`` (every minute) finds the attempt.
"""

from assessments.services.answers import (
    ANSWER_TEXT_MAX,
    CHOICE_KINDS,
    answer_save,
    answer_save_own,
    typed_answer_clean,
)
from assessments.services.attempts import (
    attempt_start,
    attempt_submit,
    attempt_submit_own,
    attempt_time_is_up,
    attempts_delete,
)
from assessments.services.candidates import (
    candidate_invitation_create,
    candidate_invitation_revoke,
    candidate_invitation_send,
)
from assessments.services.grading import (
    SCORING_MATERIAL_MAX,
    STALE_SUBMISSION,
    AttemptBusy,
    attempt_score,
    attempts_score,
    attempts_sweep,
)
from assessments.services.item_analysis import (
    ITEM_ANALYSIS_ATTEMPTS_CHOICES,
    ITEM_ANALYSIS_ATTEMPTS_DEFAULT,
    ITEM_ANALYSIS_FEW_ATTEMPTS,
    ITEM_ANALYSIS_MIN_ATTEMPTS,
    item_analysis_attempts_mode,
    item_analysis_compute,
)
from assessments.services.translations import (
    VersionTexts,
    quiz_version_translation_save,
)
from assessments.services.versions import (
    VERSION_FIELDS_NOT_COPIED,
    choice_rule,
    question_save,
    quiz_version_create,
    quiz_version_for_editing,
    quiz_version_is_locked,
    quiz_version_problems,
    quiz_version_publish,
)

__all__ = [
    "ANSWER_TEXT_MAX",
    "CHOICE_KINDS",
    "ITEM_ANALYSIS_ATTEMPTS_CHOICES",
    "ITEM_ANALYSIS_ATTEMPTS_DEFAULT",
    "ITEM_ANALYSIS_FEW_ATTEMPTS",
    "ITEM_ANALYSIS_MIN_ATTEMPTS",
    "SCORING_MATERIAL_MAX",
    "STALE_SUBMISSION",
    "VERSION_FIELDS_NOT_COPIED",
    "AttemptBusy",
    "VersionTexts",
    "answer_save",
    "answer_save_own",
    "attempt_score",
    "attempt_start",
    "attempt_submit",
    "attempt_submit_own",
    "attempt_time_is_up",
    "attempts_delete",
    "attempts_score",
    "attempts_sweep",
    "candidate_invitation_create",
    "candidate_invitation_revoke",
    "candidate_invitation_send",
    "choice_rule",
    "item_analysis_attempts_mode",
    "item_analysis_compute",
    "question_save",
    "quiz_version_create",
    "quiz_version_for_editing",
    "quiz_version_is_locked",
    "quiz_version_problems",
    "quiz_version_publish",
    "quiz_version_translation_save",
    "typed_answer_clean",
]
