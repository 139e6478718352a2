"""Reports of critmin results: Jinja2 HTML rendered to PDF with WeasyPrint (offline; local CSS and fonts).

An adapter layer: it reads domain result objects and draws their plots with :mod:`critmin.plot`; domain
packages never import it. WeasyPrint is imported only when a PDF is written.
"""

from __future__ import annotations

from critmin.reports.render import (
    ReportInput,
    assessment_context,
    html_to_pdf,
    render_assessment_html,
    write_assessment_report,
)

__all__ = ["ReportInput", "assessment_context", "html_to_pdf", "render_assessment_html", "write_assessment_report"]
