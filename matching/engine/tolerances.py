"""The engine's numeric tolerances, named once.

Shares, quantities and weights are floats computed by sums and by HiGHS, whose answers satisfy
their rows to about 1e-7; each comparison that must not be fooled by that noise uses one of these.
"""

# A difference this small between two sums of quantities, shares or weights is rounding noise.
SLACK = 1e-9
# A solver's share below this is read as zero (HiGHS's primal feasibility is about 1e-7).
ZERO_SHARE = 1e-7
# An item supplied, or a need's LP value y*, at least this counts as whole.
WHOLE = 1 - 1e-6
# Capacity below this share of an offer is not offered to a sub-problem (badly scaled rows).
CRUMB = 1e-6
# Slack when fractional quantities are scaled to the integers of a max-flow or compared with an
# item's remaining quantity before they are rounded to units.
SCALED_SLACK = 1e-6
# The smallest divisor where a quantity may be zero.
DIVISOR_FLOOR = 1e-12
