/** @odoo-module **/
/*
 * A board block opens its action's own view of the block's mode, and only
 * when the action names none (``[false, "list"]``) does the server pick one,
 * from ``list_view_ref`` in the block's context.  An action that names its
 * list view (Odoo's invoices do) would thus ignore the block's narrow list:
 * here a block whose context gives ``<mode>_view_ref`` lets the server pick.
 */
import { BoardAction } from "@board/board_action";
import { patch } from "@web/core/utils/patch";

patch(BoardAction.prototype, {
    get viewProps() {
        const props = this._spmViewProps;
        if (props && props.viewId && props.context?.[`${props.type}_view_ref`]) {
            delete props.viewId;
            props.views = [[false, props.type], ...props.views.slice(1)];
        }
        return props;
    },
    set viewProps(props) {
        this._spmViewProps = props;
    },
});
