"""What a decided run becomes: the report, the cleared dataset with its manifest, Merkle root,
attribution files and BOMs, and regulator summaries. Not legal advice.

``build_report(run)`` + ``render(report, "html")``; ``export_run(run, to, ExportOptions())``;
``build_summary(run)`` + ``render_summary(summary, "md")``; ``transforms.register(name, fn)``.
"""

from clearance.exporters import transforms
from clearance.exporters.eu_summary import build_summary, render_summary
from clearance.exporters.export import ExportOptions, ExportSummary, export_run
from clearance.exporters.merkle import merkle_root
from clearance.exporters.render import render
from clearance.exporters.report_model import build_report

__all__ = [
    "ExportOptions",
    "ExportSummary",
    "build_report",
    "build_summary",
    "export_run",
    "merkle_root",
    "render",
    "render_summary",
    "transforms",
]
