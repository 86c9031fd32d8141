"""pre-commit hooks that keep a training task's score honest."""
