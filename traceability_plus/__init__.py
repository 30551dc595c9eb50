"""Complete batch and serial number traceability for ERPNext."""

__version__ = "0.1.0"
