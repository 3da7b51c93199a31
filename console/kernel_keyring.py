"""A `keyring` backend on the Linux kernel's key retention service (the user's keyring).

Debian's OS keyring is the Secret Service (GNOME Keyring, KWallet), reached over a D-Bus
session.  A wall PC's kiosk session, a root shell on a freshly installed machine or a service
has no such session, and `keyring` then falls back to a backend that refuses every call, so
nothing could hold a desk's key pair or a camera's password.  The kernel keeps a keyring per
user (`@u`) that every process of that user can reach, in memory only: keys last until the
machine restarts.  It ranks below the Secret Service, which `keyring` prefers wherever one
answers; `videowall` says when a key lands here (`is_kernel_keyring`).

Through libkeyutils (Debian libkeyutils1, part of every installation), loaded with ctypes.
"""

from __future__ import annotations

import ctypes
import errno
import functools
from typing import Any

from jaraco.classes import properties
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

KEY_SPEC_USER_KEYRING = -4
# The owner (possessor and user) may do everything, nobody else anything: the same boundary
# as a file of mode 0600.  Without the user bits, a process whose session keyring does not
# link the user keyring (another login, a service) could not read what this one stored.
PERMISSIONS = 0x3F3F0000


@functools.cache
def _keyutils() -> Any:
    lib = ctypes.CDLL("libkeyutils.so.1", use_errno=True)
    lib.add_key.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int32]
    lib.add_key.restype = ctypes.c_int32
    lib.keyctl_search.argtypes = [ctypes.c_int32, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int32]
    lib.keyctl_search.restype = ctypes.c_long
    lib.keyctl_read.argtypes = [ctypes.c_int32, ctypes.c_char_p, ctypes.c_size_t]
    lib.keyctl_read.restype = ctypes.c_long
    lib.keyctl_setperm.argtypes = [ctypes.c_int32, ctypes.c_uint32]
    lib.keyctl_setperm.restype = ctypes.c_long
    lib.keyctl_invalidate.argtypes = [ctypes.c_int32]
    lib.keyctl_invalidate.restype = ctypes.c_long
    return lib


def _description(service: str, username: str) -> bytes:
    return f"{service}:{username}".encode()


def _find(service: str, username: str) -> int | None:
    lib = _keyutils()
    key = lib.keyctl_search(KEY_SPEC_USER_KEYRING, b"user", _description(service, username), 0)
    if key >= 0:
        return int(key)
    err = ctypes.get_errno()
    if err in (errno.ENOKEY, errno.EKEYEXPIRED, errno.EKEYREVOKED):
        return None
    raise KeyringError(f"kernel keyring: cannot search: {errno.errorcode.get(err, err)}")


class KernelKeyring(KeyringBackend):
    """The calling user's kernel keyring; lasts until the machine restarts."""

    @classmethod
    def _viable(cls) -> bool:
        try:
            lib = _keyutils()
        except OSError:
            return False
        # A search that finds nothing answers ENOKEY where keys work; a sandbox that forbids
        # the key syscalls answers EPERM or ENOSYS.
        found = lib.keyctl_search(KEY_SPEC_USER_KEYRING, b"user", b"videowall:viability", 0)
        return found >= 0 or ctypes.get_errno() == errno.ENOKEY

    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805  (below the Secret Service's 5, above the refusing fallback's 0)
        if not cls._viable():
            raise RuntimeError("the kernel's key retention service is not available")
        return 1.0

    def get_password(self, service: str, username: str) -> str | None:
        key = _find(service, username)
        if key is None:
            return None
        lib = _keyutils()
        size = lib.keyctl_read(key, None, 0)
        if size < 0:
            return None  # went between the search and the read
        buffer = ctypes.create_string_buffer(size)
        read = lib.keyctl_read(key, buffer, size)
        if read < 0:
            return None
        return buffer.raw[:read].decode("utf-8")

    def set_password(self, service: str, username: str, password: str) -> None:
        lib = _keyutils()
        payload = password.encode("utf-8")
        # add_key replaces the payload of a key with the same type and description.
        key = lib.add_key(b"user", _description(service, username), payload, len(payload), KEY_SPEC_USER_KEYRING)
        if key < 0:
            err = ctypes.get_errno()
            raise KeyringError(f"kernel keyring: cannot store {username!r}: {errno.errorcode.get(err, err)}")
        lib.keyctl_setperm(key, PERMISSIONS)

    def delete_password(self, service: str, username: str) -> None:
        key = _find(service, username)
        if key is None or _keyutils().keyctl_invalidate(key) < 0:
            raise PasswordDeleteError(f"no {username!r} in the kernel keyring")


def is_kernel_keyring(backend: object | None = None) -> bool:
    """Whether keys stored now land in the kernel keyring (and so last only until a restart)."""
    import keyring

    backend = backend if backend is not None else keyring.get_keyring()
    inner = getattr(backend, "backends", None)  # keyring's chainer: the first one takes writes
    if inner:
        backend = inner[0]
    return isinstance(backend, KernelKeyring)
