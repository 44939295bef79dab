"""Data files of the Exampleshire demo (a package so that setuptools ships them)."""
