"""CurveZMQ key pairs, kept in the OS keyring under a name (`host`, `desk-1`, `agent-a1`)."""

from __future__ import annotations

import json

import keyring
import keyring.errors
import zmq

SERVICE = "videowall"


class KeyPairError(RuntimeError):
    pass


def create(name: str) -> bytes:
    """Make and store a key pair; returns the public key (z85) to put in the host's config."""
    public, secret = zmq.curve_keypair()
    try:
        keyring.set_password(SERVICE, f"curve:{name}", json.dumps({"public": public.decode(), "secret": secret.decode()}))
    except keyring.errors.KeyringError as exc:
        raise KeyPairError(f"cannot store key pair {name!r} in the keyring: {exc}") from exc
    return public


def load(name: str) -> tuple[bytes, bytes]:
    try:
        raw = keyring.get_password(SERVICE, f"curve:{name}")
    except keyring.errors.KeyringError as exc:
        raise KeyPairError(f"cannot read key pair {name!r}: {exc}") from exc
    if raw is None:
        raise KeyPairError(f"no key pair {name!r} in the keyring; make one with: videowall keys create {name}")
    return from_json(raw)


def load_or_create(name: str) -> tuple[tuple[bytes, bytes], bool]:
    """The stored key pair, made and stored first if there is none; True when it was made now."""
    try:
        return load(name), False
    except KeyPairError:
        try:
            raw = keyring.get_password(SERVICE, f"curve:{name}")
        except keyring.errors.KeyringError as exc:
            raise KeyPairError(f"cannot read key pair {name!r}: {exc}") from exc
        if raw is not None:
            raise  # there is one, but it is damaged: never overwrite a key someone authorised
    create(name)
    return load(name), True


def from_json(text: str) -> tuple[bytes, bytes]:
    """A key pair from its JSON form (the keyring's entry, or a parent process's pipe)."""
    try:
        entry = json.loads(text)
        return str(entry["public"]).encode(), str(entry["secret"]).encode()
    except (ValueError, KeyError, TypeError) as exc:
        raise KeyPairError(f"not a key pair: {exc!r}") from None


def to_json(public: bytes, private: bytes) -> str:
    return json.dumps({"public": public.decode(), "secret": private.decode()})
