odoo.define('sales_process_mgmt.check_in', function (require) {
"use strict";

/**
 * Check In / Check Out on a visit (``<widget name="sales_visit_check_in"/>``
 * in its form and on its card): the browser asks the user to share the
 * location; the position, or nothing when it is refused or unavailable, goes
 * to ``sales.visit.action_check_in`` (``action_check_out``), which records
 * the time, measures the distance to the customer on the server and answers
 * the message shown.  Browsers give the location on HTTPS (or localhost)
 * only.
 */
var core = require('web.core');
var session = require('web.session');
var Widget = require('web.Widget');
var widgetRegistry = require('web.widget_registry');

var _t = core._t;

/**
 * How long to wait for the location, the user's answer to the browser's
 * prompt included (the browser's own timeout starts after it), in ms.
 */
var LOCATION_WAIT = 25000;

/**
 * The browser's position ({latitude, longitude, accuracy}), or null when the
 * user refuses, the browser has none, or it takes too long (a prompt left
 * unanswered included).
 */
function currentPosition() {
    var def = $.Deferred();
    if (!navigator.geolocation) {
        return def.resolve(null);
    }
    var timer = setTimeout(function () {
        def.resolve(null);
    }, LOCATION_WAIT);
    navigator.geolocation.getCurrentPosition(function (position) {
        clearTimeout(timer);
        def.resolve(position.coords);
    }, function () {
        clearTimeout(timer);
        def.resolve(null);
    }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 0});
    return def;
}

/**
 * Whether the user checks in on the visit of ``record``: its salesperson or
 * a sales director (as the server allows), not a supervisor or an executive.
 */
function mayCheck(record) {
    var salesperson = record.data.user_id;
    if (salesperson && salesperson.res_id === session.uid) {
        return $.when(true);
    }
    return session.user_has_group('sales_process_mgmt.group_director');
}

var CheckInWidget = Widget.extend({
    className: 'o_spm_check_in',
    events: {
        'click button': '_onClick',
    },
    init: function (parent, record) {
        this._super.apply(this, arguments);
        this.record = record;
    },
    willStart: function () {
        var self = this;
        var may = this.record.res_id ? mayCheck(this.record) : $.when(false);
        return $.when(this._super.apply(this, arguments), may.then(function (result) {
            self.mayCheck = result;
        }));
    },
    start: function () {
        var data = this.record.data;
        var method;
        if (this.record.res_id && data.state !== 'missed' && this.mayCheck) {
            if (!data.check_in_at) {
                method = 'action_check_in';
            } else if (!data.check_out_at) {
                method = 'action_check_out';
            }
        }
        if (method) {
            var checkIn = method === 'action_check_in';
            $('<button type="button" class="btn btn-sm"/>')
                .addClass(checkIn ? 'btn-primary o_spm_check_in_button' : 'btn-default o_spm_check_out_button')
                .attr('data-method', method)
                .append($('<i class="fa fa-map-marker"/>'), ' ',
                        document.createTextNode(checkIn ? _t("Check In") : _t("Check Out")))
                .appendTo(this.$el);
        }
        return this._super.apply(this, arguments);
    },
    _onClick: function (ev) {
        ev.preventDefault();
        ev.stopPropagation();
        var self = this;
        var $button = $(ev.currentTarget).prop('disabled', true);
        var method = $button.data('method');
        currentPosition().then(function (coords) {
            var args = [[self.record.res_id]];
            if (coords) {
                args.push(coords.latitude, coords.longitude, coords.accuracy);
            }
            return self._rpc({model: 'sales.visit', method: method, args: args});
        }).then(function (message) {
            self.do_notify(method === 'action_check_in' ? _t("Checked In") : _t("Checked Out"),
                           message);
            // Keep the form's unsaved edits: only the check-in's facts change.
            self.trigger_up('reload', {keepChanges: true});
        }).always(function () {
            $button.prop('disabled', false);
        });
    },
});

widgetRegistry.add('sales_visit_check_in', CheckInWidget);

return {CheckInWidget: CheckInWidget, currentPosition: currentPosition, mayCheck: mayCheck};
});
