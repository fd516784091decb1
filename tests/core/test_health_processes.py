"""The process managers restart a process that dies: `make serve` (deploy/supervisord.conf) and
the systemd units in deploy/systemd/ run the Procfile's commands with a restart policy.

`tests/integration/test_make_serve.py` kills the worker under `make serve` for real; these
check the configuration every deployment shares, so that the three do not drift apart.
"""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest
from supervisor.datatypes import RestartUnconditionally
from supervisor.options import ServerOptions

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = {"PORT": "8000", "WEB_CONCURRENCY": "3", "WORKER_CONCURRENCY": "2"}


def _procfile() -> dict[str, str]:
    commands = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        for key, value in DEFAULTS.items():
            command = command.replace(f"${{{key}:-{value}}}", value)
        commands[name.strip()] = command.strip()
    return commands


@pytest.fixture
def supervisord(monkeypatch, tmp_path) -> dict[str, object]:
    for key, value in {**DEFAULTS, "VAR_DIR": str(tmp_path)}.items():
        monkeypatch.setenv(key, value)
    options = ServerOptions()
    options.realize(args=["-c", str(ROOT / "deploy" / "supervisord.conf")])
    assert options.nodaemon is True  # `make serve` stays in the foreground
    return {
        program.name: program
        for group in options.process_group_configs
        for program in group.process_configs
    }


def test_supervisord_runs_the_procfile_commands_and_restarts_them(supervisord):
    procfile = _procfile()
    assert set(supervisord) == {"web", "worker", "beat"}
    assert supervisord["web"].command == procfile["web"]
    assert supervisord["worker"].command == procfile["worker"]
    # the Procfile's beat runs sync_schedules first; `make serve` runs it before supervisord
    assert procfile["beat"].endswith("&& " + supervisord["beat"].command)
    for program in supervisord.values():
        assert program.autorestart is RestartUnconditionally, program.name
        # TERM to the main process only (graceful stop), KILL to the whole group if it overruns
        assert (program.stopsignal, program.stopasgroup, program.killasgroup) == (15, False, True)
        assert (program.stdout_logfile, program.redirect_stderr) == ("/dev/stdout", True)
        assert program.directory == str(ROOT / "deploy" / "..")
    assert supervisord["worker"].stopwaitsecs == 60


def test_supervisord_takes_port_and_concurrency_from_the_environment(monkeypatch, tmp_path):
    for key, value in {
        "PORT": "8801",
        "WEB_CONCURRENCY": "5",
        "WORKER_CONCURRENCY": "7",
        "VAR_DIR": str(tmp_path),
    }.items():
        monkeypatch.setenv(key, value)
    options = ServerOptions()
    options.realize(args=["-c", str(ROOT / "deploy" / "supervisord.conf")])
    commands = {p.name: p.command for g in options.process_group_configs for p in g.process_configs}
    assert "--bind 0.0.0.0:8801 --workers 5 " in commands["web"]
    assert "--concurrency 7 " in commands["worker"]


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_the_systemd_unit_restarts_always_and_runs_the_procfile_command(name):
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(ROOT / "deploy" / "systemd" / f"readiness-{name}.service")
    service = unit["Service"]
    assert service["Restart"] == "always"
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"  # never give up
    assert (service["KillSignal"], service["KillMode"]) == ("SIGTERM", "mixed")
    command = shlex.split(service["ExecStart"])
    command[0] = Path(command[0]).name  # /srv/readiness/.venv/bin/gunicorn → gunicorn
    expected = _procfile()[name]
    if name == "beat":
        assert service["ExecStartPre"].endswith("python manage.py sync_schedules")
        expected = expected.split("&& ", 1)[1]
    rendered = " ".join(command)
    for key, value in DEFAULTS.items():
        rendered = rendered.replace(f"${{{key}}}", value)
    assert rendered == expected
