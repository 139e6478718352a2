"""Settings: environment > TOML file > defaults, validated, with errors naming the setting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from critmin.config import Settings, get_settings, load_settings
from critmin.errors import ConfigError


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """No CRITMIN_* variables, a temporary working directory (no ./critmin.toml) and XDG data home."""
    import os

    for k in list(os.environ):
        if k.startswith("CRITMIN_"):
            monkeypatch.delenv(k)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_defaults(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    s = load_settings()
    assert s.data_dir == tmp_path / "xdg" / "critmin"
    assert s.database_url == ""
    assert s.resolved_database_url == f"sqlite:///{tmp_path / 'xdg' / 'critmin' / 'critmin.db'}"
    assert s.organisation == "demo" and s.default_visibility == "public" and s.boundary_file is None


def test_default_database_follows_the_data_dir(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("CRITMIN_DATA_DIR", str(tmp_path / "store"))
    assert load_settings().resolved_database_url == f"sqlite:///{tmp_path / 'store' / 'critmin.db'}"
    from critmin.store.db import open_database

    db = open_database(settings=load_settings())
    try:
        assert db.url == f"sqlite:///{tmp_path / 'store' / 'critmin.db'}" and db.backend == "sqlite"
    finally:
        db.dispose()


def test_postgresql_scheme_gets_the_psycopg_driver(env: pytest.MonkeyPatch) -> None:
    env.setenv("CRITMIN_DATABASE_URL", "postgresql://u:p@db.example:5432/critmin")
    assert load_settings().resolved_database_url == "postgresql+psycopg://u:p@db.example:5432/critmin"


def test_toml_file_and_env_precedence(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cfg = tmp_path / "site.toml"
    cfg.write_text('[critmin]\norganisation = "gsi"\ndefault_visibility = "partners"\nogc_max_limit = 500\n'
                   f'database_url = "sqlite:///{tmp_path / "from_toml.db"}"\n', encoding="utf-8")
    env.setenv("CRITMIN_CONFIG", str(cfg))
    s = load_settings()
    assert (s.organisation, s.default_visibility, s.ogc_max_limit) == ("gsi", "partners", 500)
    assert s.resolved_database_url.endswith("from_toml.db")
    env.setenv("CRITMIN_ORGANISATION", "usgs")
    env.setenv("CRITMIN_OGC_MAX_LIMIT", "2000")
    s = load_settings()
    assert (s.organisation, s.ogc_max_limit) == ("usgs", 2000)  # env wins
    assert s.default_visibility == "partners"  # TOML still applies where env is silent
    assert load_settings(organisation="bgs").organisation == "bgs"  # explicit overrides win over both


def test_toml_in_working_directory_top_level_keys(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "critmin.toml").write_text('organisation = "gsi-kolkata"\n', encoding="utf-8")
    assert load_settings().organisation == "gsi-kolkata"


def test_get_settings_is_cached_until_cleared(env: pytest.MonkeyPatch) -> None:
    env.setenv("CRITMIN_ORGANISATION", "first")
    assert get_settings().organisation == "first"
    env.setenv("CRITMIN_ORGANISATION", "second")
    assert get_settings().organisation == "first"
    get_settings.cache_clear()
    assert get_settings().organisation == "second"


@pytest.mark.parametrize(("var", "value", "setting"), [
    ("CRITMIN_DEFAULT_VISIBILITY", "secret", "default_visibility"),
    ("CRITMIN_OGC_MAX_LIMIT", "0", "ogc_max_limit"),
    ("CRITMIN_OGC_MAX_LIMIT", "lots", "ogc_max_limit"),
    ("CRITMIN_OGC_DEFAULT_LIMIT", "-5", "ogc_default_limit"),
    ("CRITMIN_DATABASE_URL", "mysql://root@localhost/critmin", "database_url"),
])
def test_invalid_env_values_name_the_setting(env: pytest.MonkeyPatch, var: str, value: str, setting: str) -> None:
    env.setenv(var, value)
    with pytest.raises(ConfigError) as e:
        load_settings()
    assert setting in str(e.value)
    assert isinstance(e.value, ValueError)


def test_invalid_toml_values_name_the_setting(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[critmin]\ndefault_visibility = "everyone"\n', encoding="utf-8")
    env.setenv("CRITMIN_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match="default_visibility"):
        load_settings()
    # the environment can override a bad file value
    env.setenv("CRITMIN_DEFAULT_VISIBILITY", "private")
    assert load_settings().default_visibility == "private"


def test_broken_or_missing_config_file(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("CRITMIN_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match=r"missing\.toml"):
        load_settings()
    broken = tmp_path / "broken.toml"
    broken.write_text("[critmin\norganisation = ", encoding="utf-8")
    env.setenv("CRITMIN_CONFIG", str(broken))
    with pytest.raises(ConfigError, match=r"broken\.toml"):
        load_settings()
    arr = tmp_path / "array.toml"
    arr.write_text("critmin = [1, 2]\n", encoding="utf-8")
    env.setenv("CRITMIN_CONFIG", str(arr))
    with pytest.raises(ConfigError, match=r"\[critmin\]"):
        load_settings()


def test_settings_type_is_exported() -> None:
    assert set(Settings.model_fields) >= {"data_dir", "database_url", "organisation", "default_visibility",
                                          "boundary_file", "ogc_max_limit", "ogc_default_limit"}
