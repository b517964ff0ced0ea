"""Tests that drive the course in a real browser (see test_jupyterlab.py)."""
