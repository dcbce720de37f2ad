"""securecomm.enforcement — cases and safeguards: levels, case lifecycle, detainers,
custody, audit, roles.
"""
