"""Calibration against observed statistics: loading them and checking the model against them."""
