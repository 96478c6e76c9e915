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


def test_scan_stays_the_function_when_its_module_is_imported() -> None:
    """The public names load lazily; importing the ``clearance.scan`` submodule (which the CLI
    and executors do) must not replace ``clearance.scan`` the function with the module."""
    import importlib
    import inspect

    importlib.import_module("clearance.scan")
    from clearance import scan

    assert inspect.isfunction(clearance.scan) and clearance.scan is scan
    assert scan.__module__ == "clearance.scan"
