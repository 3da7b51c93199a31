"""Stream URLs: masking credentials for logs and output, adding them from the keyring."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^/@:\s]*)(?::[^/@\s]*)?@")
# `user:password@host` where the scheme is missing or mistyped (`rtsp:/`, `admin:pw@10.0.0.5`):
# a malformed URL in an error message must not show its password either.
_BARE_USERINFO = re.compile(r"(?<![\w.%+-])(?P<user>[\w.%+-]+):(?!//)[^\s/@'\"]+@(?=[\w\[])")
# Passwords that cameras and NVRs take in the path or the query instead of the userinfo, in the
# forms their manuals document: `?user=admin&password=…`, `&pwd=…`, `/user=admin_password=…_channel=1`
# (Xiongmai and its OEMs), `?usr=…&pwd=…` (Foscam), `authbasic=` (base64 of user:password).
SECRET_PARAMETERS = ("password", "passwd", "passwort", "passphrase", "pwd", "pass", "psd", "pw", "usrpwd",
                     "userpwd", "loginpwd", "secret", "authbasic")
_SECRET_PARAMETER = re.compile(r"(?i)(?<![a-z0-9])(?P<name>" + "|".join(SECRET_PARAMETERS) + r")=(?P<value>[^&;\s'\"/?#]*)")

INGEST_SCHEMES = frozenset({"rtsp", "rtsps", "rtmp", "srt"})


def mask_url(text: str) -> str:
    """Replace every password in `text` with ***: a URL's userinfo (the user name stays), a
    bare `user:password@host`, and password parameters in paths and queries.

    Works on whole log lines too, since FFmpeg's own messages repeat the URL.
    """
    text = _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@" if m["user"] else f"{m['scheme']}***@", text)
    text = _BARE_USERINFO.sub(lambda m: f"{m['user']}:***@", text)
    return _SECRET_PARAMETER.sub(lambda m: f"{m['name']}=***" if m["value"] else m[0], text)


def secrets_in(url: str) -> list[str]:
    """Where `url` carries a password ("userinfo", "path", "query"), for refusing it in a catalog."""
    found = []
    rest = url.split("://", 1)[-1]
    authority = rest.split("/", 1)[0].split("?", 1)[0]
    if "@" in authority or _BARE_USERINFO.search(url):
        found.append("userinfo")
    path, _, query = rest[len(authority):].partition("?")
    if _SECRET_PARAMETER.search(path):
        found.append("path")
    if _SECRET_PARAMETER.search(query):
        found.append("query")
    return found


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
