odoo.define('sales_process_mgmt.mobile', function (require) {
"use strict";

/**
 * Odoo 11's community web client on a phone (config.device.isMobile: a
 * screen narrower than 768px).
 *
 * - The addon's lists of plans, visits and reports open as kanban cards: the
 *   first mobile-friendly view of the action, as Odoo's own responsive client
 *   does from version 12.
 * - The left menu (.o_sub_menu) takes half of the width: it is hidden (see
 *   sales_mobile.less) and shown with the navbar's toggle (the button with
 *   three bars, which opens the apps menu); choosing an entry closes it.
 * - Leaving Discuss, the home action, fails in Odoo 11 ("this.$buttons.off(...)
 *   .destroy is not a function") once its buttons are rendered, as they are
 *   on a phone: the buttons are removed instead.
 * - The image widget's file input accepts images only, as its template means
 *   to ("image_only"): a phone then offers its camera for the photo of a
 *   receipt.
 */
var ChatAction = require('mail.chat_client_action');
var basicFields = require('web.basic_fields');
var config = require('web.config');
var Menu = require('web.Menu');
var ViewManager = require('web.ViewManager');

ViewManager.include({
    get_default_view: function () {
        var view = this._super.apply(this, arguments);
        var xmlid = (this.action && this.action.xml_id) || '';
        if (config.device.isMobile && !view.mobile_friendly && !this.flags.default_view &&
                xmlid.indexOf('sales_process_mgmt.') === 0) {
            return _.findWhere(this.view_order, {mobile_friendly: true}) || view;
        }
        return view;
    },
});

basicFields.FieldBinaryImage.include({
    image_only: true,
});

ChatAction.include({
    destroy: function () {
        if (this.$buttons) {
            this.$buttons.off().remove();
            this.$buttons = undefined;
        }
        this._super.apply(this, arguments);
    },
});

Menu.include({
    start: function () {
        var $body = $('body');
        var $collapse = this.$el.closest('.navbar-collapse');
        $collapse.on('show.bs.collapse', function () {
            $body.addClass('o_spm_menu_open');
        }).on('hide.bs.collapse', function () {
            $body.removeClass('o_spm_menu_open');
        });
        $('.o_sub_menu').on('click', 'a.oe_menu_leaf', function () {
            // The view takes the screen again at once, even when the toggle
            // is still opening (a quick tap): it closes when it has opened.
            $body.removeClass('o_spm_menu_open');
            if ($collapse.hasClass('collapsing')) {
                $collapse.one('shown.bs.collapse', function () {
                    $collapse.collapse('hide');
                });
            } else if ($collapse.hasClass('in')) {
                $collapse.collapse('hide');
            }
        });
        return this._super.apply(this, arguments);
    },
    /**
     * The apps are listed one under the other in the navbar's toggle: the
     * first layout, measured while the toggle is closed, would put them all
     * in a "More" dropdown.
     */
    reflow: function (behavior) {
        return this._super(config.device.isMobile ? 'all_outside' : behavior);
    },
});

});
