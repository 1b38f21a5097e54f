"""Backends: ``local`` (embedded studio engine) and ``cloud`` (NemoVideo), behind one protocol."""
