"""Workflows composing the domain packages: from rock to supply security (tract → undiscovered resource →
economic filter → project → supply impact), run from a TOML/YAML file with a step cache and provenance.

The domains never import this package; it imports them (and the core), never the store, service or CLI.
"""

from critmin.workflows.runner import STEPS, WorkflowResult, run_workflow
from critmin.workflows.spec import WorkflowSpec, load_workflow, parse_workflow

__all__ = ["STEPS", "WorkflowResult", "WorkflowSpec", "load_workflow", "parse_workflow", "run_workflow"]
