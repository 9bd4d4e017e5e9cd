"""The app's colours: the current settings, the baseline, targets, targets met, and the series palette."""

CURRENT_COLOUR, BASELINE_COLOUR, TARGET_COLOUR, MET_COLOUR = "#1565c0", "#8d939c", "#c62828", "#2e7d32"
PALETTE = [
    "#1565c0",
    "#ef6c00",
    "#2e7d32",
    "#6a1b9a",
    "#00838f",
    "#ad1457",
    "#5d4037",
    "#f9a825",
    "#283593",
    "#558b2f",
    "#4e342e",
    "#00695c",
    "#c62828",
    "#37474f",
]
PIN_COLOURS = ["#ef6c00", "#6a1b9a", "#00838f"]  # pinned scenarios A, B, C
