"""The software matrix (pure Python, no Qt): model, commands, keyboard, host."""
