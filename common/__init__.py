"""The bottom of the house: errors, YAML a user wrote, atomic folder writes; imported by every layer."""
