"""antoan — local public-safety work in Vietnam."""
