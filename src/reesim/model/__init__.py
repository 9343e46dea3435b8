"""The model: dimensions, the base-year calibration, scenarios, and the compile step to plain arrays."""
