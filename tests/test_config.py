from __future__ import annotations

from pathlib import Path

import pytest

from dialer.config import ConfigError, ensure_secret_key, load_settings


def test_defaults_give_a_working_sqlite_setup() -> None:
    s = load_settings(env={})
    assert s.database_url == "sqlite://data/dialer.sqlite3"
    assert s.port == 8000 and s.ari_app == "dialer"


def test_environment_overrides(tmp_path: Path) -> None:
    s = load_settings(env={"DIALER_DB_URL": "postgres://u@h:5432/db", "DIALER_PORT": "9000",
                           "DIALER_COOKIE_SECURE": "yes", "DIALER_ARI_URL": "http://pbx:8088/ari"})
    assert s.database_url == "postgres://u@h:5432/db" and s.port == 9000 and s.cookie_secure


def test_toml_file_then_environment_on_top(tmp_path: Path) -> None:
    f = tmp_path / "dialer.toml"
    f.write_text('port = 8100\nari_app = "calls"\n[webhooks]\nretries = 3\n')
    s = load_settings(env={"DIALER_CONFIG": str(f), "DIALER_PORT": "8200"})
    assert s.port == 8200 and s.ari_app == "calls" and s.extra == {"webhooks": {"retries": 3}}


@pytest.mark.parametrize("env,needle", [
    ({"DIALER_PORT": "eighty"}, "DIALER_PORT"),
    ({"DIALER_PORT": "70000"}, "DIALER_PORT"),
    ({"DIALER_DB_URL": "mysql://x"}, "DIALER_DB_URL"),
    ({"DIALER_ARI_URL": "pbx:8088"}, "DIALER_ARI_URL"),
    ({"DIALER_COOKIE_SECURE": "maybe"}, "DIALER_COOKIE_SECURE"),
    ({"DIALER_CONFIG": "/nonexistent/dialer.toml"}, "DIALER_CONFIG"),
])
def test_bad_settings_say_which_and_why_in_one_line(env: dict, needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env=env)
    assert needle in str(info.value) and "\n" not in str(info.value)


def test_broken_toml_is_one_clear_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text("port = = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(env={"DIALER_CONFIG": str(f)})


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    s = load_settings(env={"DIALER_DATA_DIR": str(tmp_path)})
    first = ensure_secret_key(s).secret_key
    assert len(first) > 40 and ensure_secret_key(s).secret_key == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
