"""Bundled plugins of the intranet, one package each."""
