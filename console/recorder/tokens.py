"""Recording tokens: what the matrix host grants a desk, checked by the recorder on every request.

The host decides who may see recordings (DESIGN.md §10); the recorder only carries that out.
So the host mints a short-lived token naming the desk, its role, the rights granted and the
cameras, signs it with the centre's Ed25519 key (console/evidence/signing.py: the private half
in the host's keyring), and the recorder, which holds only the public key, verifies it without
asking anyone.  A token that leaks is worth minutes, for the cameras it names.

    vwt1.<base64url of the claims as canonical JSON>.<base64url of the signature>

The signature covers the ASCII text before the last dot, version prefix included, so the
claims cannot be re-framed.  Claims: `desk`, `role`, `rights` (playback, export, bookmark,
wall-playback), `cameras` (a list of numbers or "*"), `iat` and `exp` (UTC seconds), `jti`
(a random id, for the audit trail) and `kid` (the signing key's id, to tell "another centre's
key" from "forged").  No Qt here.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from console.evidence.signing import PublicKey, SigningKey, b64, canonical, unb64
from console.matrix.commands import RECORDING_RIGHTS as RIGHTS

PREFIX = "vwt1"
# Rights that let a holder read recorded bytes from a recorder (bookmarks only name a span).
READ_RIGHTS = frozenset({"playback", "export", "wall-playback"})
DEFAULT_LIFETIME = 300.0
# A recorder refuses tokens meant to live longer than this whatever the host says: a leaked
# token must not be a standing key.
MAX_LIFETIME = 3600.0
# Clocks of the host and the recorder may differ by this much without refusing a fresh token.
LEEWAY = 30.0
MAX_TOKEN = 8192  # characters; a header of this size is already absurd


class TokenError(ValueError):
    """Why a token is refused; `code` is one of malformed, expired, not-yet-valid, wrong-key,
    forged, too-long-lived."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class TokenClaims:
    desk: str
    role: str
    rights: frozenset[str]
    cameras: frozenset[int] | None  # None: every camera
    issued_at: float
    expires_at: float
    token_id: str
    key_id: str

    def refusal(self, right: str | Iterable[str], camera: int | None = None) -> str | None:
        """Why this token does not allow `right` (or any of several) on `camera`; None if it does."""
        wanted = {right} if isinstance(right, str) else set(right)
        if not wanted & self.rights:
            held = ", ".join(sorted(self.rights)) or "none"
            return f"desk {self.desk} has no {' or '.join(sorted(wanted))} right (granted: {held})"
        if camera is not None and self.cameras is not None and camera not in self.cameras:
            return f"camera {camera} is not granted to desk {self.desk}"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"desk": self.desk, "role": self.role, "rights": sorted(self.rights),
                "cameras": "*" if self.cameras is None else sorted(self.cameras),
                "iat": self.issued_at, "exp": self.expires_at, "jti": self.token_id, "kid": self.key_id}


def mint_token(key: SigningKey, *, desk: str, role: str, rights: Iterable[str], cameras: Iterable[int] | str,
               lifetime: float = DEFAULT_LIFETIME, clock: Callable[[], float] = time.time) -> str:
    """A signed token for `desk`; `cameras` is a list of numbers or "*" for all of them."""
    rights = sorted(set(rights))
    unknown = [r for r in rights if r not in RIGHTS]
    if unknown:
        raise ValueError(f"unknown right {unknown[0]!r} (rights are {', '.join(RIGHTS)})")
    if not 0 < lifetime <= MAX_LIFETIME:
        raise ValueError(f"a token lives from 0 to {MAX_LIFETIME:g} s, not {lifetime:g}")
    if cameras != "*":
        if isinstance(cameras, str):
            raise ValueError(f"cameras: a list of numbers or '*', not {cameras!r}")
        cameras = sorted({int(c) for c in cameras})
    now = clock()
    claims = {"desk": desk, "role": role, "rights": rights, "cameras": cameras, "iat": round(now, 3),
              "exp": round(now + lifetime, 3), "jti": secrets.token_hex(8), "kid": key.key_id}
    head = f"{PREFIX}.{b64(canonical(claims))}"
    return f"{head}.{b64(key.sign(head.encode('ascii')))}"


def _split(token: str) -> tuple[str, bytes, bytes]:
    if not isinstance(token, str) or not token:
        raise TokenError("malformed", "no token")
    if len(token) > MAX_TOKEN:
        raise TokenError("malformed", f"the token is {len(token)} characters long, not a recording token")
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise TokenError("malformed", f"not a recording token (expected {PREFIX}.<claims>.<signature>)")
    try:
        payload, signature = unb64(parts[1]), unb64(parts[2])
    except ValueError as exc:
        raise TokenError("malformed", f"the token is damaged ({exc})") from None
    return f"{parts[0]}.{parts[1]}", payload, signature


def _claims(payload: bytes) -> TokenClaims:
    try:
        data = json.loads(payload.decode("utf-8"))
        if not isinstance(data, dict):
            raise TypeError("not an object")
        cameras = data["cameras"]
        if cameras != "*" and not (isinstance(cameras, list) and all(type(c) is int for c in cameras)):
            raise TypeError("cameras must be a list of numbers or '*'")
        rights = data["rights"]
        if not (isinstance(rights, list) and all(isinstance(r, str) for r in rights)):
            raise TypeError("rights must be a list of names")
        issued, expires = data["iat"], data["exp"]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (issued, expires)):
            raise TypeError("iat and exp must be numbers")
        fields = [data["desk"], data["role"], data["jti"], data["kid"]]
        if not all(isinstance(v, str) for v in fields):
            raise TypeError("desk, role, jti and kid must be text")
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise TokenError("malformed", f"the token's claims cannot be read ({exc})") from None
    return TokenClaims(data["desk"], data["role"], frozenset(rights),
                       None if cameras == "*" else frozenset(cameras), float(issued), float(expires),
                       data["jti"], data["kid"])


def peek_claims(token: str) -> TokenClaims:
    """The claims WITHOUT checking the signature: for the holder, to see when to fetch a new
    token.  Never grant anything on what this returns."""
    return _claims(_split(token)[1])


class TokenVerifier:
    """Checks tokens against the centre's public key, as a recorder does."""

    def __init__(self, public_key: PublicKey, *, clock: Callable[[], float] = time.time,
                 leeway: float = LEEWAY) -> None:
        self.public_key = public_key
        self.clock = clock
        self.leeway = leeway

    def verify(self, token: str) -> TokenClaims:
        signed, payload, signature = _split(token)
        claims = _claims(payload)
        if not self.public_key.verify(signature, signed.encode("ascii")):
            # The key id is only a hint until the signature holds; it tells an operator whether
            # the desk's host signs with another centre's key or the token was tampered with.
            if claims.key_id != self.public_key.key_id:
                raise TokenError("wrong-key", f"signed with another key (id {claims.key_id[:16]}); this recorder "
                                              f"trusts the centre key {self.public_key.key_id}")
            raise TokenError("forged", "the token's signature does not match its claims")
        now = self.clock()
        if claims.expires_at - claims.issued_at > MAX_LIFETIME:
            raise TokenError("too-long-lived", f"the token claims to live {claims.expires_at - claims.issued_at:.0f} s; "
                                               f"at most {MAX_LIFETIME:.0f} s are accepted")
        if now >= claims.expires_at + self.leeway:
            raise TokenError("expired", f"the token expired {now - claims.expires_at:.0f} s ago")
        if claims.issued_at > now + self.leeway:
            raise TokenError("not-yet-valid", f"the token is issued {claims.issued_at - now:.0f} s in the future "
                                              "(are the host's and the recorder's clocks set?)")
        return claims
