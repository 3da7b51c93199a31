"""Camera, NVR and serial-server credentials: kept in the OS keyring, referred to by name.

Layouts and the catalog say `credential: nvr-southlake`; only this module turns that name
into a user and password, and only at the moment a connection is made.
"""

from __future__ import annotations

import json

import keyring
import keyring.errors

SERVICE = "videowall"


class CredentialError(RuntimeError):
    pass


def store(ref: str, user: str, password: str) -> None:
    try:
        keyring.set_password(SERVICE, ref, json.dumps({"user": user, "password": password}))
    except keyring.errors.KeyringError as exc:
        raise CredentialError(f"cannot store credential {ref!r}: {exc} (keyring backend: {_backend()})") from exc


def load(ref: str) -> tuple[str, str]:
    try:
        raw = keyring.get_password(SERVICE, ref)
    except keyring.errors.KeyringError as exc:
        raise CredentialError(f"cannot read credential {ref!r}: {exc} (keyring backend: {_backend()})") from exc
    if raw is None:
        raise CredentialError(f"no credential {ref!r} in the keyring (backend: {_backend()}); "
                              f"add it with: videowall credential set {ref} --user NAME")
    try:
        entry = json.loads(raw)
        return str(entry["user"]), str(entry["password"])
    except (ValueError, KeyError, TypeError) as exc:
        raise CredentialError(f"credential {ref!r} in the keyring is not in videowall's format") from exc


def delete(ref: str) -> None:
    try:
        keyring.delete_password(SERVICE, ref)
    except keyring.errors.PasswordDeleteError as exc:
        raise CredentialError(f"no credential {ref!r} to delete") from exc


def _backend() -> str:
    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"
