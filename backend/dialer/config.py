"""Settings from the environment (DIALER_*) and an optional TOML file.

The defaults give a working SQLite set-up in ./data. A missing or bad setting raises
`ConfigError` with one line that says which setting and why; the CLI prints that line.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line meant for a person."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    db_url: str = ""  # empty: sqlite in data_dir
    secret_key: str = ""  # empty: generated once and kept in data_dir/secret_key
    host: str = "127.0.0.1"
    port: int = 8000
    ari_url: str = "http://127.0.0.1:8088/ari"
    ari_user: str = "dialer"
    ari_password: str = "dialer"
    ari_app: str = "dialer"
    # How a customer's E.164 number becomes a dial string: {e164} "+4206…", {digits} "4206…".
    dial_template: str = "PJSIP/{e164}@trunk"
    engine: bool = True  # run the dialing engine in this process (`dialer run`)
    engine_id: str = ""  # stable name of this engine for leases and records; default: host name
    session_max_age_s: int = 12 * 3600
    cookie_secure: bool = False
    login_max_failures: int = 5
    login_window_s: int = 300
    # An agent ready or reserved with neither panel nor extension connected this long becomes
    # "not ready (disconnected)" (0: never).
    presence_grace_s: int = 20
    log_level: str = "info"
    # The law a campaign that names none dials under (compliance/profiles.py): us, uk or eu.
    # Never "none": leaving the law is chosen per campaign, where the change is audited.
    regulatory_profile: str = "eu"
    # Call recordings: the folder the dialer keeps them in (relative: below data_dir); Asterisk's
    # recording folder when this host shares Asterisk's filesystem (files are then moved from
    # there, not fetched over ARI); the address links in webhooks start with (default
    # http://host:port) and how long such a signed link works.
    recordings_dir: Path = Path("recordings")
    recordings_spool_dir: str = ""
    public_url: str = ""
    recording_link_ttl_s: int = 72 * 3600
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite://{(self.data_dir / 'dialer.sqlite3').as_posix()}"

    @property
    def recordings_path(self) -> Path:
        """Where stored recordings live: `recordings_dir`, below `data_dir` unless absolute."""
        return self.data_dir / self.recordings_dir

    @property
    def base_url(self) -> str:
        """The address people and the customer's IS reach this web app at."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


_ENV_PREFIX = "DIALER_"
# env name (without prefix, lower case) -> Settings field
_FIELDS = {f.name for f in fields(Settings) if f.name != "extra"}


def _coerce(name: str, raw: Any, target: Any) -> Any:
    """Turn a string (env) or TOML value into the field's type, or say clearly why not."""
    if isinstance(target, bool):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off"}:
            return False
        raise ConfigError(f"DIALER_{name.upper()}: expected true/false, got {raw!r}")
    if isinstance(target, int):
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"DIALER_{name.upper()}: expected a whole number, got {raw!r}") from None
    if isinstance(target, Path):
        return Path(str(raw)).expanduser()
    return str(raw)


def _validate(s: Settings) -> None:
    scheme = urlsplit(s.database_url).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "asyncpg"}:
        raise ConfigError(
            f"DIALER_DB_URL: unsupported database {scheme or s.database_url!r}; "
            "use sqlite://PATH or postgres://USER@HOST:PORT/DB"
        )
    ari = urlsplit(s.ari_url)
    if ari.scheme not in {"http", "https"} or not ari.netloc:
        raise ConfigError(f"DIALER_ARI_URL: expected http(s)://host:port/ari, got {s.ari_url!r}")
    if not (0 < s.port < 65536):
        raise ConfigError(f"DIALER_PORT: {s.port} is not a TCP port")
    if "{e164}" not in s.dial_template and "{digits}" not in s.dial_template:
        raise ConfigError(f"DIALER_DIAL_TEMPLATE: must contain {{e164}} or {{digits}}, got {s.dial_template!r}")
    if s.public_url and urlsplit(s.public_url).scheme not in {"http", "https"}:
        raise ConfigError(f"DIALER_PUBLIC_URL: expected http(s)://host[:port], got {s.public_url!r}")
    if s.recording_link_ttl_s <= 0:
        raise ConfigError(f"DIALER_RECORDING_LINK_TTL_S: expected seconds > 0, got {s.recording_link_ttl_s}")
    if s.regulatory_profile not in {"us", "uk", "eu"}:
        raise ConfigError(f"DIALER_REGULATORY_PROFILE: expected us, uk or eu, got {s.regulatory_profile!r}")
    if s.log_level.lower() not in {"debug", "info", "warning", "error"}:
        raise ConfigError(f"DIALER_LOG_LEVEL: expected debug/info/warning/error, got {s.log_level!r}")


def load_settings(env: Mapping[str, str] | None = None, file: Path | None = None) -> Settings:
    """Settings from a TOML file (DIALER_CONFIG or `file`), then the environment on top."""
    env = os.environ if env is None else env
    base = Settings()
    values: dict[str, Any] = {}
    path = file or (Path(env["DIALER_CONFIG"]) if env.get("DIALER_CONFIG") else None)
    extra: dict[str, Any] = {}
    if path is not None:
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"DIALER_CONFIG: no such file {path}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from None
        for key, raw in doc.items():
            if key in _FIELDS:
                values[key] = _coerce(key, raw, getattr(base, key))
            else:
                extra[key] = raw
    for key, raw in env.items():
        if not key.startswith(_ENV_PREFIX):
            continue
        name = key[len(_ENV_PREFIX):].lower()
        if name in _FIELDS:
            values[name] = _coerce(name, raw, getattr(base, name))
    settings = replace(base, extra=extra, **values)
    _validate(settings)
    return settings


def ensure_secret_key(settings: Settings) -> Settings:
    """A secret key that survives restarts: the configured one, else one kept in data_dir."""
    if settings.secret_key:
        return settings
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    key_file = settings.data_dir / "secret_key"
    if key_file.exists():
        key = key_file.read_text().strip()
    else:
        key = secrets.token_urlsafe(48)
        key_file.write_text(key)
        key_file.chmod(0o600)
    return replace(settings, secret_key=key)
