"""Result pages in HTML: the self-contained reports of `--html`, and the contexts and
templates the local web app (``rotasolve.web``) renders its result pages with."""

from .html import capacity_html, compliance_html, environment, forecast_html, render, solution_html

__all__ = ["capacity_html", "compliance_html", "environment", "forecast_html", "render", "solution_html"]
