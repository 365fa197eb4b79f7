"""The agent machine's config file (tray/config.py): address, user name, program whitelist."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialer.tray.config import ConfigError, config_dir, load_config, parse_config
from dialer.tray.cards import Card
from dialer.tray.runner import Program, run_choice

EXAMPLE = '''
dialer = "https://dialer.example.com"
username = "ann"

[programs.crm]
label = "Open in DeskCRM"
path = "/opt/deskcrm/bin/deskcrm"
args = ["--customer", "{external_id}", "--phone", "{phone}"]
campaigns = ["Sales", 7]
'''


def test_the_documented_example_reads_back() -> None:
    config = parse_config(EXAMPLE)
    assert config.dialer == "https://dialer.example.com" and config.username == "ann"
    assert config.programs == {"crm": Program(name="crm", path="/opt/deskcrm/bin/deskcrm",
                                              args=("--customer", "{external_id}", "--phone", "{phone}"),
                                              label="Open in DeskCRM", campaigns=("Sales", "7"))}


def test_the_readme_documents_the_same_format() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n# config.toml", 1)[1].split("```", 1)[0]
    deskcrm = parse_config(block).programs["deskcrm"]
    assert deskcrm.path.startswith("/")
    # And the note a card shows when its campaign names a program this computer does not list.
    card = Card(key="k", kind="call.connected", heading="", title="", rows=(), deep_link="", campaign_id=1,
                campaign="Sales", program="deskcrm")
    assert f'"{run_choice(card, {}).note}"' in " ".join(readme.split())


@pytest.mark.parametrize("text, message", [
    ("[programs.x]\nargs = []", "path"),
    ("[programs.x]\npath = \"crm\"", "absolute"),
    ("[programs.x]\npath = \"/bin/x\"\nargs = \"--a {name}\"", "list of strings"),
    ("programs = 3", "table"),
    ("dialer = ", "config.toml"),
])
def test_mistakes_are_named(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(text)


def test_where_it_lives(tmp_path: Path) -> None:
    assert config_dir({"XDG_CONFIG_HOME": "/home/a/.config"}, "linux") == Path("/home/a/.config/dialer-tray")
    assert config_dir({"APPDATA": "C:/Users/a/AppData/Roaming"}, "win32") == \
        Path("C:/Users/a/AppData/Roaming/dialer-tray")
    assert config_dir({"DIALER_TRAY_CONFIG_DIR": str(tmp_path)}, "linux") == tmp_path
    assert load_config(tmp_path).programs == {}  # no file: nothing may run
