"""Distances on the Earth, for the check-in of a visit (no map service)."""

import math

# The mean radius of the Earth (IUGG), in metres.
EARTH_RADIUS = 6371008.8


def haversine(latitude1, longitude1, latitude2, longitude2):
    """The great-circle distance in metres between two points given in
    decimal degrees (WGS 84), by the haversine formula on a sphere of the
    Earth's mean radius: within 0.5 % of the distance on the ellipsoid."""
    phi1, phi2 = math.radians(latitude1), math.radians(latitude2)
    delta_phi = phi2 - phi1
    delta_lambda = math.radians(longitude2 - longitude1)
    a = (math.sin(delta_phi / 2) ** 2
         + math.cos(phi1) * math.cos(phi2) * math.sin(delta_lambda / 2) ** 2)
    return 2 * EARTH_RADIUS * math.asin(min(1.0, math.sqrt(a)))


def coordinate_problem(latitude, longitude, accuracy=None):
    """Why these browser coordinates cannot be a place ("latitude",
    "longitude", "accuracy"), or None: numbers (not booleans, not NaN or
    infinite), a latitude within ±90°, a longitude within ±180°, an accuracy
    (metres) not below zero."""
    for name, value, limit in (("latitude", latitude, 90.0), ("longitude", longitude, 180.0),
                               ("accuracy", accuracy, None)):
        if value is None and name == "accuracy":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            return name
        if (limit is not None and abs(value) > limit) or (limit is None and value < 0):
            return name
    return None


def format_distance(metres):
    """A distance as a person reads it: "350 m", "1.2 km", "12 km"."""
    if metres < 1000:
        return "%d m" % round(metres)
    if metres < 10000:
        return "%.1f km" % (metres / 1000.0)
    return "%d km" % round(metres / 1000.0)
