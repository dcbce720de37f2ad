"""securecomm.afis — the fingerprint engine, a library of its own.

Images → features → minutiae templates → 1:1 comparison → 1:N identification, plus synthetic
prints. It knows nothing of people, immigration or databases.
"""
