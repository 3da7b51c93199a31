"""The centre's evidence key: Ed25519 (the `cryptography` library), the private half in the OS keyring.

The private key is created once per centre and lives only in the keyring (never in a file);
each sidecar and sheet carries the public key and its id so that anyone holding the centre's
published public key can check a signature without the keyring.  Verification on the centre's
machine trusts the keyring's key; elsewhere, the public key given on the command line.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import keyring
import keyring.errors
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SERVICE = "videowall"
ALGORITHM = "ed25519"


class SigningKeyError(RuntimeError):
    """The centre's key cannot be had (no keyring, no key, a key in another format)."""


def canonical(value: Any) -> bytes:
    """The one byte form of a JSON value that is hashed and signed (sorted keys, no spaces)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unb64(text: str) -> bytes:
    """Strict: the spare low bits of the last character count, so an edited signature
    character never decodes to the same bytes (base64 alone ignores those bits)."""
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not base64: {exc}") from None
    if b64(data) != text:
        raise ValueError("not in canonical base64 form")
    return data


def key_ref(centre_id: str) -> str:
    """The keyring entry that holds a centre's private key."""
    return f"evidence-key/{centre_id}"


@dataclass(frozen=True)
class PublicKey:
    raw: bytes  # 32 bytes

    @property
    def key_id(self) -> str:
        """A short fingerprint to name the key on paper and in messages."""
        return hashlib.sha256(self.raw).hexdigest()[:16]

    def text(self) -> str:
        return b64(self.raw)

    @classmethod
    def from_text(cls, text: str) -> PublicKey:
        """Base64url of the raw key, or a PEM SubjectPublicKeyInfo."""
        text = text.strip()
        try:
            if text.startswith("-----BEGIN"):
                loaded = serialization.load_pem_public_key(text.encode("ascii"))
                if not isinstance(loaded, Ed25519PublicKey):
                    raise SigningKeyError("the PEM file holds no Ed25519 public key")
                return cls(loaded.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
            raw = unb64(text)
        except (ValueError, TypeError) as exc:
            raise SigningKeyError(f"not a public key: {exc}") from exc
        if len(raw) != 32:
            raise SigningKeyError(f"an Ed25519 public key has 32 bytes, this one {len(raw)}")
        return cls(raw)

    def pem(self) -> str:
        key = Ed25519PublicKey.from_public_bytes(self.raw)
        return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, data)
        except (InvalidSignature, ValueError):
            return False
        return True


class SigningKey:
    """The centre's private key, loaded from the keyring for as long as a desk signs."""

    def __init__(self, private: Ed25519PrivateKey, centre_id: str) -> None:
        self._private = private
        self.centre_id = centre_id
        self.public = PublicKey(private.public_key().public_bytes(serialization.Encoding.Raw,
                                                                  serialization.PublicFormat.Raw))

    @property
    def key_id(self) -> str:
        return self.public.key_id

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data)

    @classmethod
    def load(cls, centre_id: str, *, create: bool = False) -> SigningKey:
        """The centre's key from the keyring; with `create`, a new one is made the first time."""
        ref = key_ref(centre_id)
        try:
            stored = keyring.get_password(SERVICE, ref)
        except keyring.errors.KeyringError as exc:
            raise SigningKeyError(f"cannot read the evidence key {ref!r} from the OS keyring: {exc} "
                                  f"(backend: {_backend()})") from exc
        if stored is None:
            if not create:
                raise SigningKeyError(f"no evidence key {ref!r} in the OS keyring (backend: {_backend()})")
            private = Ed25519PrivateKey.generate()
            raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                        serialization.NoEncryption())
            try:
                keyring.set_password(SERVICE, ref, json.dumps({"algorithm": ALGORITHM, "private": b64(raw)}))
            except keyring.errors.KeyringError as exc:
                raise SigningKeyError(f"cannot store the evidence key in the OS keyring: {exc} "
                                      f"(backend: {_backend()})") from exc
            return cls(private, centre_id)
        try:
            entry = json.loads(stored)
            if entry.get("algorithm") != ALGORITHM:
                raise ValueError(f"algorithm {entry.get('algorithm')!r}")
            private = Ed25519PrivateKey.from_private_bytes(unb64(entry["private"]))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SigningKeyError(f"the evidence key {ref!r} in the keyring is not in videowall's format: {exc}") from exc
        return cls(private, centre_id)


def _backend() -> str:
    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"
