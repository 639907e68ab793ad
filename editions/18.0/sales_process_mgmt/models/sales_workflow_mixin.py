from odoo import models
from odoo.exceptions import UserError


class SalesWorkflowMixin(models.AbstractModel):
    """A document whose state and workflow fields change through its buttons
    only: a direct write of one of ``_workflow_fields`` (from the web client,
    an import or RPC) is refused; the buttons write them with
    ``_workflow_write``."""

    _name = "sales.workflow.mixin"
    _description = "Sales Process Workflow"
    _workflow_fields = frozenset({"state"})

    def _document_label(self):
        """The document's name inside a sentence ("visit plan"), translated."""
        return self._description

    def write(self, vals):
        if self._workflow_fields & set(vals) and not self.env.context.get("sales_workflow"):
            raise UserError(self.env._(
                "The state of a %s changes with its buttons only.",
                self._document_label()))
        return super().write(vals)

    def _workflow_write(self, vals):
        return self.with_context(sales_workflow=True).write(vals)
