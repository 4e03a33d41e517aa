"""Field tables and small functions between Halo, the domain and each set of books."""
