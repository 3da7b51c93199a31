"""Evidence frames: snapshots kept as signed originals, printed as verifiable sheets.

- `store`: the evidence store (original image + signed sidecar, never overwritten);
- `signing`: the centre's Ed25519 key, private half in the OS keyring;
- `verify`: an image, a sidecar, a sheet PDF or a scanned QR code: valid, or what changed;
- `pdfseal`: a sheet PDF's manifest and seal;
- `capture`: a frame from a tile or from the host's grab;
- `sheet`, `printing` (Qt): the evidence sheet, saved as PDF or sent to a print queue;
- `cupsqueue`: what CUPS says about a queue (libcups, no Qt);
- `cli`: `videowall evidence list|show|verify` and `videowall snapshot`.

`store`, `signing`, `verify`, `pdfseal`, `capture` and `cupsqueue` import no Qt.
"""
