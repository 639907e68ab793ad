/** @odoo-module **/
/*
 * Check In / Check Out on a visit (``<widget name="sales_visit_check_in"/>``
 * in its form and on its card): the browser asks the user to share the
 * location; the position, or nothing when it is refused or unavailable, goes
 * to ``sales.visit.action_check_in`` (``action_check_out``), which records
 * the time, measures the distance to the customer on the server and answers
 * the message shown.  Browsers give the location on HTTPS (or localhost)
 * only.
 */
import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

/**
 * The browser's position ({latitude, longitude, accuracy}), or null when the
 * user refuses, the browser has none, or it takes too long.
 */
export function currentPosition() {
    return new Promise((resolve) => {
        if (!navigator.geolocation) {
            resolve(null);
            return;
        }
        navigator.geolocation.getCurrentPosition(
            (position) => resolve(position.coords),
            () => resolve(null),
            { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 }
        );
    });
}

export class CheckInWidget extends Component {
    static template = "sales_process_mgmt.CheckInWidget";
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.state = useState({ busy: false });
    }

    /** The method a tap calls now, or null when there is none. */
    get method() {
        const { record } = this.props;
        if (!record.resId || record.data.state === "missed") {
            return null;
        }
        if (!record.data.check_in_at) {
            return "action_check_in";
        }
        return record.data.check_out_at ? null : "action_check_out";
    }

    get label() {
        return this.method === "action_check_in" ? _t("Check In") : _t("Check Out");
    }

    async onClick() {
        const method = this.method;
        const { record } = this.props;
        this.state.busy = true;
        try {
            if (!(await record.save())) {
                return;
            }
            const coords = await currentPosition();
            const args = [[record.resId]];
            if (coords) {
                args.push(coords.latitude, coords.longitude, coords.accuracy);
            }
            const message = await this.orm.call("sales.visit", method, args);
            this.notification.add(message, {
                title: method === "action_check_in" ? _t("Checked In") : _t("Checked Out"),
                type: "info",
            });
            await record.load();
            record.model.notify();
        } finally {
            this.state.busy = false;
        }
    }
}

registry.category("view_widgets").add("sales_visit_check_in", { component: CheckInWidget });
