"""securecomm — biometric interoperability at booking, risk-based prioritisation, case work
and program planning, as ICE's *Secure Communities* plan describes.

Layers (each imports only those below it):

    cli · api · web      entry points
    program              planning & statistics
    enforcement          cases & safeguards
    interop              the booking pipeline
    records              the record systems
    ansinist             wire formats
    afis                 biometrics
    store                persistence
"""

__version__ = "0.1.0"
