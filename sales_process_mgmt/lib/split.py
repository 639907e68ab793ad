"""Splitting a target into parts that add up to it exactly."""


def split_exactly(total, weights, digits):
    """Split ``total`` in proportion to ``weights``, rounded to ``digits`` decimals,
    so that the parts add up to ``total`` exactly (largest remainder method).

    Negative weights count as 0; with no positive weight the split is even.
    The total is first rounded to ``digits``; the parts are whole multiples of
    10**-digits, never negative for a total that is not.
    """
    if not weights:
        return []
    unit = 10 ** digits
    units = int(round(total * unit))
    weights = [max(weight or 0.0, 0.0) for weight in weights]
    if sum(weights) <= 0:
        weights = [1.0] * len(weights)
    weight_sum = sum(weights)
    exact = [units * weight / weight_sum for weight in weights]
    parts = [int(value) for value in exact]
    remainder = units - sum(parts)
    by_fraction = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for index in by_fraction[:remainder]:
        parts[index] += 1
    return [part / unit for part in parts]


def digits_of(rounding):
    """Decimals of a currency rounding (0.01 -> 2, 1.0 -> 0), at most 6."""
    rounding = rounding or 0.01
    digits = 0
    while rounding < 1 and digits < 6:
        rounding *= 10
        digits += 1
    return digits
