from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.errors import SettingsError
from archiver.settings import Settings, load_settings


def test_defaults_when_nothing_is_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings({}, env={})
    assert settings == Settings()
    assert settings.db_path == Path("archive/archive.db")
    assert settings.blobs_path == Path("archive/blobs")


def test_flag_beats_env_beats_config_beats_default(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        'proxy = "http://file:1"\nuser_agent = "file-agent"\nconcurrency = 3\nfetch_timeout = 7\n'
    )
    env = {"ARCHIVER_PROXY": "http://env:2", "ARCHIVER_USER_AGENT": "env-agent"}
    settings = load_settings({"proxy": "http://flag:3", "user_agent": None}, env=env, config=config)
    assert settings.proxy == "http://flag:3"  # flag
    assert settings.user_agent == "env-agent"  # env (the flag was not given)
    assert settings.concurrency == 3  # config file
    assert settings.fetch_timeout == 7.0
    assert settings.page_timeout == Settings().page_timeout  # default


def test_env_values_are_parsed_to_their_types(tmp_path: Path) -> None:
    env = {
        "ARCHIVER_HOME": str(tmp_path / "h"),
        "ARCHIVER_CONCURRENCY": "9",
        "ARCHIVER_PAGE_TIMEOUT": "2.5",
        "ARCHIVER_STORAGE_STATE": str(tmp_path / "state.json"),
    }
    (tmp_path / "state.json").write_text("{}")
    settings = load_settings(env=env)
    assert settings.home == tmp_path / "h"
    assert settings.concurrency == 9
    assert settings.page_timeout == 2.5
    assert settings.storage_state_for("twitter") == tmp_path / "state.json"


def test_storage_state_for_all_platforms_or_per_platform(tmp_path: Path) -> None:
    for name in ("all.json", "x.json"):
        (tmp_path / name).write_text("{}")
    spec = f"{tmp_path / 'all.json'},twitter={tmp_path / 'x.json'}"
    settings = load_settings({"storage_state": spec}, env={})
    assert settings.storage_state_for("twitter") == tmp_path / "x.json"
    assert settings.storage_state_for("instagram") == tmp_path / "all.json"
    assert settings.storage_state_for(None) == tmp_path / "all.json"
    only = load_settings({"storage_state": f"twitter={tmp_path / 'x.json'}"}, env={})
    assert only.storage_state_for("instagram") is None


def test_a_missing_storage_state_file_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="storage state for twitter not found"):
        load_settings({"storage_state": f"twitter={tmp_path / 'nope.json'}"}, env={})


def test_config_defaults_to_home_config_toml(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("per_host = 5\n")
    assert load_settings(env={"ARCHIVER_HOME": str(tmp_path)}).per_host == 5
    assert load_settings({"home": tmp_path}, env={}).per_host == 5
    other = tmp_path / "other.toml"
    other.write_text("per_host = 6\n")
    assert load_settings(env={"ARCHIVER_HOME": str(tmp_path), "ARCHIVER_CONFIG": str(other)}).per_host == 6


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("concurrency = ", "not valid TOML"),
        ("colour = 'blue'\n", "unknown setting(s) colour"),
        ("concurrency = 'many'\n", "'concurrency' cannot be 'many'"),
        ("concurrency = true\n", "'concurrency' cannot be True"),
        ("concurrency = 1.5\n", "'concurrency' cannot be 1.5"),
        ("concurrency = 0\n", "'concurrency' must be at least 1"),
        ("fetch_timeout = 0\n", "'fetch_timeout' must be greater than 0"),
        ("home = 3\n", "'home' cannot be 3"),
        ("proxy = 'ftp://x:1'\n", "proxy 'ftp://x:1' must look like"),
        ("proxy = 'socks5://tor'\n", "needs a port"),
        ("ca_bundle = '/no/such/ca.pem'\n", "CA bundle not found"),
    ],
)
def test_bad_config_is_a_settings_error(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text)
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(env={}, config=config)


def test_bad_env_value_is_a_settings_error() -> None:
    with pytest.raises(SettingsError, match="environment: setting 'page_timeout' cannot be 'soon'"):
        load_settings(env={"ARCHIVER_PAGE_TIMEOUT": "soon"})


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="config file not found"):
        load_settings(env={}, config=tmp_path / "nope.toml")


def test_empty_env_value_means_unset() -> None:
    assert load_settings(env={"ARCHIVER_PROXY": "", "ARCHIVER_BROWSER": ""}).proxy is None


def test_proxy_falls_back_to_standard_variables() -> None:
    settings = Settings()
    assert settings.proxy_origin({}) == (None, None)
    assert settings.proxy_origin({"HTTP_PROXY": "http://h:1"}) == ("http://h:1", "HTTP_PROXY")
    both = {"HTTP_PROXY": "http://h:1", "HTTPS_PROXY": "proxy.example:3128"}
    assert settings.proxy_origin(both) == ("http://proxy.example:3128", "HTTPS_PROXY")
    ours = Settings(proxy="socks5h://127.0.0.1:9050")
    assert ours.proxy_origin(both) == ("socks5h://127.0.0.1:9050", "setting")


# Through the command line: one line on stderr, a non-zero exit, no traceback.


def _run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, env=env)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[oops\n", "is not valid TOML"),
        ("colour = 'blue'\n", "unknown setting(s) colour"),
        ("concurrency = 'x'\n", "'concurrency' cannot be 'x'"),
    ],
)
def test_cli_reports_bad_config_on_one_line(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text)
    code, output = _run(["doctor", "--find", "--config", str(config)])
    assert code != 0
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("Error: ") and message in lines[0]


def test_cli_reports_bad_flag_and_env_on_one_line(tmp_path: Path) -> None:
    code, output = _run(["doctor", "--find", "--proxy", "nonsense"])
    assert code != 0 and output.count("\n") == 1 and "proxy 'nonsense'" in output
    code, output = _run(["doctor", "--find"], env={"ARCHIVER_CONCURRENCY": "lots"})
    assert code != 0 and output.count("\n") == 1 and "'concurrency' cannot be 'lots'" in output


def test_cli_flag_beats_config_file(tmp_path: Path) -> None:
    browser = tmp_path / "my-chrome"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    config = tmp_path / "config.toml"
    config.write_text(f"browser = '{tmp_path / 'missing'}'\n")
    code, output = _run(["doctor", "--find", "--config", str(config)])
    assert code != 0 and "browser not found or not executable" in output
    code, output = _run(["doctor", "--find", "--config", str(config), "--browser", str(browser)])
    assert code == 0 and output.strip() == str(browser)
