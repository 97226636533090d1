"""The demo is installed only where it is wanted, and `seed_demo` refuses production."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from communitygate.demo.management.commands import seed_demo as seed_demo_command
from communitygate.demo.seeding import production_refusal
from communitygate.orgs.models import Organisation

INSTALLED_APPS_SCRIPT = (
    "import django; django.setup(); from django.conf import settings; "
    "print('communitygate.demo' in settings.INSTALLED_APPS, settings.COMMUNITYGATE['DEMO'])"
)


@pytest.mark.parametrize(("flag", "installed"), [("true", "True True"), (None, "False False")])
def test_the_demo_app_is_installed_only_on_a_demo_installation(
    flag: str | None, installed: str
) -> None:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "communitygate.settings"}
    environment.pop("COMMUNITYGATE_DEMO")
    if flag is not None:
        environment["COMMUNITYGATE_DEMO"] = flag
    answer = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", INSTALLED_APPS_SCRIPT],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert answer.stdout.strip() == installed


def test_the_test_suite_runs_as_a_demo_installation() -> None:
    assert settings.COMMUNITYGATE["DEMO"] is True
    assert "communitygate.demo" in settings.INSTALLED_APPS


@pytest.mark.parametrize(
    ("vendor", "database_name"),
    [
        ("sqlite", "/var/lib/communitygate.sqlite3"),
        ("postgresql", "cg_demo"),
        ("postgresql", "test_cg"),
    ],
)
def test_a_demo_installation_on_a_demo_or_test_database_may_be_seeded(
    vendor: str, database_name: str
) -> None:
    assert production_refusal(demo=True, vendor=vendor, database_name=database_name) is None


def test_a_production_database_or_a_non_demo_installation_is_refused() -> None:
    production_db = production_refusal(
        demo=True, vendor="postgresql", database_name="communitygate"
    )
    assert production_db is not None
    assert "正式数据库" in production_db and "production" in production_db
    not_demo = production_refusal(demo=False, vendor="sqlite", database_name="db.sqlite3")
    assert not_demo is not None
    assert "COMMUNITYGATE_DEMO" in not_demo and "不是演示安装" in not_demo


@pytest.mark.django_db
def test_seed_demo_refuses_a_production_configuration_and_loads_nothing() -> None:
    not_a_demo = override_settings(COMMUNITYGATE={**settings.COMMUNITYGATE, "DEMO": False})
    with not_a_demo, pytest.raises(CommandError, match="--allow-production") as refused:
        call_command("seed_demo", password="demo-password-1")
    assert "不载入演示数据" in str(refused.value)
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_seed_demo_runs_on_production_when_told_explicitly(monkeypatch, capsys) -> None:
    seeded: list[str | None] = []

    def seed(password: str | None) -> tuple[str, list[tuple[str, str]], bool]:
        seeded.append(password)
        return "demo-password-1", [], True

    monkeypatch.setattr(seed_demo_command, "seed_demo", seed)
    with override_settings(COMMUNITYGATE={**settings.COMMUNITYGATE, "DEMO": False}):
        call_command("seed_demo", "--allow-production", password="demo-password-1")
    assert seeded == ["demo-password-1"]
    assert "Shibei demo loaded" in capsys.readouterr().out
