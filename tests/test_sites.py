"""Site profiles are data: every bundled one loads, and `extends` layers one on another."""

import pytest

from scraper.sites import ProfileError, load_profile, profile_names


def test_every_bundled_profile_loads():
    names = profile_names()
    assert {"umu", "demo"} <= set(names)
    for name in names:
        profile = load_profile(name)
        assert profile.name == name
        assert profile.scope.get("hosts"), f"{name} has no hosts in scope"


def test_extends_takes_parent_tables_and_overrides_keys(tmp_path):
    path = tmp_path / "other.toml"
    path.write_text(
        'name = "other"\nextends = "umu"\n[scope]\nhosts = ["news.example.org"]\n',
        encoding="utf-8",
    )
    profile = load_profile(str(path))
    umu = load_profile("umu")
    assert profile.scope["hosts"] == ["news.example.org"]
    assert profile.scope["path_prefixes"] == umu.scope["path_prefixes"]
    assert profile.extract == umu.extract
    assert profile.name == "other"


def test_unknown_profile_names_the_known_ones():
    with pytest.raises(ProfileError, match="umu"):
        load_profile("no-such-university")


def test_unknown_table_is_an_error(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\n[scopes]\nhosts = []\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="unknown table"):
        load_profile(str(path))


def test_broken_toml_is_a_profile_error(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('name = "broken"\n[scope\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(str(path))
