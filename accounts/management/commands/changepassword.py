"""Django's ``changepassword``, saving through ``accounts.services.user_password_set``: a
password set from the command line revokes the user's API tokens, like every other way of
setting one. Prompts, validation and messages are Django's."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.management.commands import changepassword
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from accounts import services
from accounts.models import User

MAX_TRIES = 3


class Command(changepassword.Command):
    help = "Change a user's password (by email) and revoke their API tokens."

    def _get_pass(self, prompt: str = "Password: ") -> str:
        password = getpass.getpass(prompt=prompt)
        if not password:
            raise CommandError("aborted")
        return password

    def handle(self, *args: Any, **options: Any) -> str:
        email = options["username"]
        if not email:
            raise CommandError("Name the user by email: manage.py changepassword <email>")
        try:
            user = User.objects.using(options["database"]).get(email__iexact=email.strip())
        except User.DoesNotExist as exc:
            raise CommandError(f"user '{email}' does not exist") from exc

        self.stdout.write(f"Changing password for user '{user}'")
        for _try in range(MAX_TRIES):
            password = self._get_pass()
            if password != self._get_pass("Password (again): "):
                self.stdout.write("Passwords do not match. Please try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as err:
                self.stderr.write("\n".join(err.messages))
                continue
            services.user_password_set(user=user, password=password, reason="password_set_by_admin")
            return f"Password changed successfully for user '{user}'"
        raise CommandError(f"Aborting password change for user '{user}' after {MAX_TRIES} attempts")
