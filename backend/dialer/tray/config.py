"""The tray app's settings on the agent's machine: `config.toml` in the user's config dir
(the dialer's address, the user name, and the whitelist of programs the card may run).

The app only reads this file; the agent (or whoever installs the machine) writes it.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from dialer.tray.runner import Program

APP_DIR = "dialer-tray"
CONFIG_FILE = "config.toml"


class ConfigError(Exception):
    """The config file is not valid; the message says where."""


def config_dir(env: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """Where the config and the fallback token file live for this user."""
    env = os.environ if env is None else env
    platform = platform or sys.platform
    if env.get("DIALER_TRAY_CONFIG_DIR"):
        return Path(env["DIALER_TRAY_CONFIG_DIR"])
    if platform == "win32":
        base = Path(env.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / APP_DIR


@dataclass(frozen=True)
class TrayConfig:
    dialer: str = ""  # the address, e.g. https://dialer.example.com
    username: str = ""
    programs: Mapping[str, Program] = field(default_factory=dict)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise ConfigError(f"{where}: a list of strings")
    return tuple(str(v) for v in value)


def parse_config(text: str) -> TrayConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{CONFIG_FILE}: {exc}") from None
    programs: dict[str, Program] = {}
    table = data.get("programs", {})
    if not isinstance(table, dict):
        raise ConfigError("[programs]: a table of [programs.<name>] tables")
    for name, spec in table.items():
        where = f"[programs.{name}]"
        if not isinstance(spec, dict) or not isinstance(spec.get("path"), str) or not spec["path"]:
            raise ConfigError(f"{where}: path = the program's absolute path")
        if not os.path.isabs(spec["path"]):
            raise ConfigError(f"{where}: path must be absolute, not {spec['path']!r}")
        programs[name] = Program(name=name, path=spec["path"], args=_strings(spec.get("args"), f"{where} args"),
                                 label=str(spec.get("label", "")),
                                 campaigns=_strings(spec.get("campaigns"), f"{where} campaigns"))
    return TrayConfig(dialer=str(data.get("dialer", "")), username=str(data.get("username", "")),
                      programs=programs)


def load_config(directory: Path) -> TrayConfig:
    path = directory / CONFIG_FILE
    if not path.exists():
        return TrayConfig()
    return parse_config(path.read_text(encoding="utf-8"))
