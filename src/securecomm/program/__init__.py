"""securecomm.program — planning and statistics: facilities and tiers, CAP teams,
simulation, cost, reports.
"""
