"""securecomm.ansinist — wire formats: the ANSI/NIST-ITL codec, the FBI EBTS profile,
Nlets IAQ/IAR text.
"""
