"""The embedded engines keep unix socket paths within the kernel's limit."""

from displacement import embedded


def test_socket_dir_stays_short_in_a_deep_clone(monkeypatch, tmp_path):
    deep = tmp_path.joinpath(*["a-rather-long-folder-name"] * 6)
    monkeypatch.setenv("DISPLACEMENT_VAR_DIR", str(deep))
    path = embedded.socket_dir() / "redis.sock"
    assert len(str(path)) < 107
    assert len(str(embedded.socket_dir() / ".s.PGSQL.5432")) < 107
    assert embedded.socket_dir() == embedded.socket_dir()


def test_socket_dir_is_under_var_when_short(monkeypatch, tmp_path):
    monkeypatch.setenv("DISPLACEMENT_VAR_DIR", str(tmp_path / "var"))
    assert embedded.socket_dir() == (tmp_path / "var" / "run").resolve()
