"""videowall: a software video matrix and video-wall control console."""

__version__ = "0.1.0"
