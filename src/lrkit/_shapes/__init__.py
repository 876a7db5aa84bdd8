"""The closed forms, one module per family."""
