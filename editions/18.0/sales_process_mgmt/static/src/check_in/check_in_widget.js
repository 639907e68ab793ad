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
import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

/** How long to wait for the location, the user's answer to the browser's
 * prompt included (the browser's own timeout starts after it), in ms. */
export const LOCATION_WAIT = 25000;

/**
 * The browser's position ({latitude, longitude, accuracy}), or null when the
 * user refuses, the browser has none, or it takes too long (a prompt left
 * unanswered included).
 */
export function currentPosition() {
    return new Promise((resolve) => {
        if (!navigator.geolocation) {
            resolve(null);
            return;
        }
        const timer = setTimeout(() => resolve(null), LOCATION_WAIT);
        const done = (coords) => {
            clearTimeout(timer);
            resolve(coords);
        };
        navigator.geolocation.getCurrentPosition(
            (position) => done(position.coords),
            () => done(null),
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
        this.isDirector = false;
        onWillStart(async () => {
            this.isDirector = await user.hasGroup("sales_process_mgmt.group_director");
        });
    }

    /** Whether the user checks in on this visit: its salesperson or a sales
     * director (as the server allows), not a supervisor or an executive. */
    get mayCheck() {
        const salesperson = this.props.record.data.user_id;
        const salespersonId = Array.isArray(salesperson) ? salesperson[0] : salesperson?.id;
        return this.isDirector || salespersonId === user.userId;
    }

    /** The method a tap calls now, or null when there is none. */
    get method() {
        const { record } = this.props;
        if (!record.resId || record.data.state === "missed" || !this.mayCheck) {
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
