"""The ``halo-accounts`` command line."""
