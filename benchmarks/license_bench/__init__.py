"""Parts of ``benchmarks/license_detection.py``: labelled set, ScanCode run, our run, scorer."""
