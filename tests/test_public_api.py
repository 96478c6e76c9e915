import clearance


def test_public_api_is_the_curated_set() -> None:
    assert sorted(clearance.__all__) == sorted(
        [
            "Decision",
            "Finding",
            "Item",
            "ScanOptions",
            "ScanSummary",
            "Status",
            "__version__",
            "open_run",
            "scan",
        ]
    )
    for name in clearance.__all__:
        assert hasattr(clearance, name)
