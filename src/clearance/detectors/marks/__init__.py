"""Trademarks, logos and watermarks: word marks in text (``trademark``), logos in images
matched against a user gallery (``logo``) and stock-agency watermarks and credit lines read by
OCR (``watermark``). Data files (starter marks, agencies) ship in ``data/`` with SOURCES.md.
"""
