"""The video engine: FFmpeg (PyAV) ingest, libvlc decode and render, tile health.

No widgets here; `console.video.qt` adapts players to Qt signals for the UI.
"""
