"""Personal data in text (``pii-text``), credentials in code (``secrets``) and in images
(``pii-image``), and voice material by media type (``biometric-media``)."""

from clearance.detectors.pii.scan import PiiSpan, scan_text

__all__ = ["PiiSpan", "scan_text"]
