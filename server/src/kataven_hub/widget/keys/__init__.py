"""Widget keys: create, list, update and disable the key pairs that let a page embed a widget."""
