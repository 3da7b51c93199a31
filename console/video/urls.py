"""Stream URLs: masking credentials for logs and output, adding them from the keyring."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^/@:\s]*)(?::[^/@\s]*)?@")

INGEST_SCHEMES = frozenset({"rtsp", "rtsps", "rtmp", "srt"})


def mask_url(text: str) -> str:
    """Replace the password of every URL in `text` with ***, keeping the user name.

    Works on whole log lines too, since FFmpeg's own messages repeat the URL.
    """
    return _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@" if m["user"] else f"{m['scheme']}***@", text)


def with_credentials(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def scheme_of(url: str) -> str:
    return urlsplit(url).scheme.lower() if "://" in url else "file"


def needs_ingest(url: str) -> bool:
    """Debian's libvlc cannot open RTSP (no live555): such sources go through FFmpeg."""
    return scheme_of(url) in INGEST_SCHEMES
