"""The checked-in extensions are exactly what `extension/build.py` makes from `extension/src`,
the panel knows the Chromium extension's id, and `web-ext lint` finds no error in the
Firefox extension (skipped when node or the npm packages are missing)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "extension"))

import build  # noqa: E402  (extension/build.py)


def test_checked_in_extensions_match_the_source() -> None:
    assert build.differences() == [], "run: python extension/build.py"


def test_panel_sends_the_token_to_the_extension_id_of_the_key() -> None:
    from dialer.web.routes.agent_panel import CHROME_EXTENSION_ID

    assert build.chrome_extension_id() == CHROME_EXTENSION_ID


@pytest.mark.skipif(shutil.which("node") is None or not (ROOT / "node_modules/web-ext").exists(),
                    reason="needs node and `npm ci` (web-ext)")
def test_web_ext_lint_finds_no_errors() -> None:
    cli = ROOT / "node_modules/web-ext/bin/web-ext.js"
    result = subprocess.run(["node", str(cli), "lint", "--source-dir", str(ROOT / "firefox-extension"),
                             "--output", "json", "--no-config-discovery"],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    report = json.loads(result.stdout[result.stdout.index("{"):])
    assert report["summary"]["errors"] == 0, report["errors"]


def test_a_deployment_build_is_bound_to_its_dialer(tmp_path: Path) -> None:
    assert build.main(["--origin", "https://Dialer.Example.com:8443/", "--out", str(tmp_path)]) == 0
    origin = "https://dialer.example.com:8443"
    for browser in ("chrome", "firefox"):
        folder = tmp_path / f"{browser}-extension"
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["host_permissions"] == [f"{origin}/*"]
        assert [s["matches"] for s in manifest["content_scripts"]] == [[f"{origin}/*"]]
        assert f'DEPLOYMENT_ORIGIN = "{origin}"' in (folder / "lib/deployment.js").read_text()
        with zipfile.ZipFile(tmp_path / f"dialer-agent-{browser}.zip") as zf:
            assert json.loads(zf.read("manifest.json")) == manifest
            assert sorted(zf.namelist()) == sorted(p.relative_to(folder).as_posix()
                                                   for p in folder.rglob("*") if p.is_file())
    chrome = json.loads((tmp_path / "chrome-extension/manifest.json").read_text())
    assert chrome["externally_connectable"] == {"matches": [f"{origin}/*"]}
    assert chrome["key"] == json.loads((ROOT / "chrome-extension/manifest.json").read_text())["key"]
    assert build.differences() == [], "the checked-in development build is left as it was"


@pytest.mark.parametrize("origin", ["ftp://dialer.example.com", "dialer.example.com", "https://dialer.example.com/agent",
                                    "https://user:pw@dialer.example.com"])
def test_a_deployment_build_refuses_what_is_not_an_origin(origin: str, tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        build.main(["--origin", origin, "--out", str(tmp_path)])
    assert exit_.value.code == 2 and "--origin" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("browser", ["chrome", "firefox"])
def test_every_icon_the_manifest_names_is_a_png_of_its_size(browser: str) -> None:
    folder = ROOT / f"{browser}-extension"
    manifest = json.loads((folder / "manifest.json").read_text())
    named = {**manifest["icons"], **manifest["action"]["default_icon"]}
    assert {"16", "48", "128"} <= set(manifest["icons"])
    for size, path in named.items():
        data = (folder / path).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", path
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (int(size), int(size)), path
