"""Protocols the engine needs from the outside: books (and, later, the store)."""
