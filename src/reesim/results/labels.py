"""Names for readers: end products as a sentence names them, not as the data's identifiers.

The dataset names products by identifiers (``bev_car``, ``wind_pm_average``) that read badly in a
table cell ("333 bev car"). Tables, charts and reports say "333 battery-electric cars" instead;
machine-readable outputs (``--json``, the store) keep the identifiers.
"""

from __future__ import annotations

#: Each product identifier of ``intensities.csv`` as a counted noun (the unit of its count).
PRODUCT_NAMES = {
    "bev_car": "battery-electric cars",
    "ice_car": "combustion-engine cars",
    "hybrid_car_prius": "hybrid cars (Prius motors)",
    "hybrid_car_nimh_battery": "hybrid car NiMH batteries",
    "ev_traction_motor": "EV traction motors",
    "wind_pm_average": "MW of wind turbines",
    "wind_direct_drive": "MW of direct-drive wind turbines",
    "wind_geared_pmg": "MW of geared wind turbines",
    "wind_offshore_dd_turbine": "offshore direct-drive wind turbines",
    "f35_aircraft": "F-35 aircraft (equivalents)",
    "ddg51_destroyer": "DDG-51 destroyers",
    "ssn774_submarine": "Virginia-class submarines",
    "hard_disk_drive": "hard disk drives",
    "smartphone": "smartphones",
}


def product_name(product: str) -> str:
    """A product identifier as a counted noun; an unknown one with spaces for underscores."""
    return PRODUCT_NAMES.get(product, product.replace("_", " "))
