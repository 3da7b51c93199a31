"""The recorder: every camera recorded around the clock into crash-proof segments."""
