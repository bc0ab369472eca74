"""core.secrets on its own: keyring sources and cache, row binding, the column registry."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from kataven_hub.core import secrets
from kataven_hub.core.settings import get_settings
from pydantic import SecretStr


@pytest.fixture
def keyring_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings = get_settings()
    monkeypatch.setattr(settings, "SECRETS_KEYRING", None)
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path)
    monkeypatch.setattr(settings, "SECRETS_KEYRING_FILE", tmp_path / "ring.json")
    yield tmp_path / "ring.json"
    secrets.reload()


def _b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


class TestKeyringSources:
    def test_cached_and_reloaded_when_the_file_changes(self, keyring_file: Path) -> None:
        assert secrets.keyring() is None  # an explicit file that does not exist: no keyring
        ring = secrets.Keyring({}, 0).with_new_key()
        secrets.save_keyring(ring)
        assert secrets.keyring() == ring
        assert secrets.keyring() is secrets.keyring()  # cached
        assert stat.S_IMODE(keyring_file.stat().st_mode) == 0o600
        rotated = ring.with_new_key()
        keyring_file.write_bytes(rotated.to_json())  # another process rotated it
        assert secrets.keyring() == rotated
        assert secrets.keyring().active == 2
        keyring_file.write_bytes(b"{not json")
        assert secrets.keyring() is None
        with pytest.raises(secrets.SecretsUnavailable):
            secrets.encrypt(b"x", account="a", table="t", row_id="r", column="c")

    def test_embedded_default_is_created_once(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        settings = get_settings()
        monkeypatch.setattr(settings, "SECRETS_KEYRING", None)
        monkeypatch.setattr(settings, "SECRETS_KEYRING_FILE", None)
        monkeypatch.setattr(settings, "DATA_DIR", tmp_path)
        monkeypatch.setattr(settings, "ENV", "development")
        try:
            ring = secrets.keyring()
            path = tmp_path / "secrets" / "keyring.json"
            assert ring is not None
            assert path.exists()
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            secrets.reload()
            assert secrets.load_keyring() == ring
            assert [p.name for p in path.parent.iterdir()] == ["keyring.json"]
        finally:
            secrets.reload()

    def test_production_never_invents_a_key(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        settings = get_settings()
        monkeypatch.setattr(settings, "SECRETS_KEYRING", None)
        monkeypatch.setattr(settings, "SECRETS_KEYRING_FILE", None)
        monkeypatch.setattr(settings, "DATA_DIR", tmp_path)
        monkeypatch.setattr(settings, "ENV", "production")
        try:
            assert secrets.keyring() is None
            assert not (tmp_path / "secrets").exists()
        finally:
            secrets.reload()

    @pytest.mark.parametrize(
        ("value", "active"),
        [
            (f"1:{_b64(b'a' * 32)},3:{_b64(b'b' * 32)}", 3),
            (f" 7:{_b64(b'c' * 32)} ", 7),
            ("1:not-base64!", None),
            (f"1:{_b64(b'short')}", None),
            ("", None),
            (f"x:{_b64(b'a' * 32)}", None),
        ],
    )
    def test_environment_keyring(
        self, keyring_file: Path, monkeypatch: pytest.MonkeyPatch, value: str, active: int | None
    ) -> None:
        monkeypatch.setattr(get_settings(), "SECRETS_KEYRING", SecretStr(value))
        ring = secrets.keyring()
        assert (ring.active if ring else None) == active
        assert secrets.keyring_source() == "env"

    @pytest.mark.parametrize(
        "raw",
        [
            b'{"active": 2, "keys": {"1": "%s"}}' % _b64(b"k" * 32).encode(),
            b'{"keys": {}}',
            b'{"keys": {"1": "!!"}}',
            b"[]",
        ],
    )
    def test_unusable_files(self, keyring_file: Path, raw: bytes) -> None:
        keyring_file.write_bytes(raw)
        assert secrets.keyring() is None


class TestSealing:
    def test_bound_to_account_table_row_and_column(self, keyring_file: Path) -> None:
        secrets.save_keyring(secrets.Keyring({}, 0).with_new_key())
        where = {"account": "acme", "table": "t", "row_id": "r1", "column": "c"}
        stored = secrets.encrypt(b"s3cret", **where)
        assert stored.startswith("v1.1.")
        assert b"s3cret" not in stored.encode()
        assert secrets.decrypt(stored, **where) == b"s3cret"
        for change in ({"account": "other"}, {"table": "u"}, {"row_id": "r2"}, {"column": "d"}):
            with pytest.raises(secrets.SecretUndecryptable):
                secrets.decrypt(stored, **{**where, **change})
        blob = stored.split(".", 2)[2]
        flipped = "A" if blob[5] != "A" else "B"
        for bad in (
            f"v1.1.{blob[:5]}{flipped}{blob[6:]}",
            "v1.9." + blob,
            "v2.1." + blob,
            "plain",
            "v1.1.",
            "v1.1.!!",
        ):
            with pytest.raises(secrets.SecretUndecryptable):
                secrets.decrypt(bad, **where)

    def test_old_keys_still_decrypt(self, keyring_file: Path) -> None:
        ring = secrets.Keyring({}, 0).with_new_key()
        old = secrets.encrypt(b"v", account="a", table="t", row_id="r", column="c", ring=ring)
        ring2 = ring.with_new_key()
        assert (
            secrets.decrypt(old, account="a", table="t", row_id="r", column="c", ring=ring2) == b"v"
        )
        with pytest.raises(secrets.SecretUndecryptable):
            secrets.decrypt(
                old, account="a", table="t", row_id="r", column="c", ring=ring2.without(1)
            )
        with pytest.raises(ValueError, match="active"):
            ring2.without(2)
        with pytest.raises(ValueError, match="not in the keyring"):
            ring2.without(9)


class TestRegistry:
    def test_register_is_idempotent_and_consistent(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(secrets, "_registry", dict(secrets._registry))
        col = secrets.register("test_things", "secret")
        assert secrets.register("test_things", "secret") == col
        assert col in secrets.registered()
        with pytest.raises(ValueError, match="already registered"):
            secrets.register("test_things", "secret", pk="uuid")

    def test_integration_credentials_are_registered(self) -> None:
        import kataven_hub.models  # noqa: F401

        assert secrets.EncryptedColumn("integration_credentials", "value") in secrets.registered()
