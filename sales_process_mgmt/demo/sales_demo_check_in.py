import math
import random
from datetime import timedelta

from odoo import api, fields, models

from ..lib.sql import update_rows
from ..models.sales_visit_check_in import CHECK_FIELDS

# The centres of the story's cities (decimal degrees): its customers stand
# within about 3 km of them.
CITY_PLACES = {
    "Shanghai": (31.2304, 121.4737), "Hangzhou": (30.2741, 120.1551),
    "Suzhou": (31.2989, 120.5853), "Beijing": (39.9042, 116.4074),
    "Tianjin": (39.3434, 117.3616), "Jinan": (36.6512, 117.1201),
    "Guangzhou": (23.1291, 113.2644), "Shenzhen": (22.5431, 114.0579),
    "Xiamen": (24.4798, 118.0894),
}
METRES_PER_DEGREE = 111195.08


def _moved(place, rnd, low, high):
    """A point between ``low`` and ``high`` metres from ``place``, in a random
    direction."""
    distance = rnd.uniform(low, high)
    bearing = rnd.uniform(0, 2 * math.pi)
    latitude = place[0] + distance * math.cos(bearing) / METRES_PER_DEGREE
    longitude = place[1] + distance * math.sin(bearing) / (
        METRES_PER_DEGREE * math.cos(math.radians(place[0])))
    return round(latitude, 7), round(longitude, 7)


class SalesDemoStory(models.AbstractModel):
    _inherit = "sales.demo.story"

    @api.model
    def _check_ins(self):
        """The story's customers get coordinates, and its visits done a
        check-in and a check-out on site: most near the customer and on time,
        some 4 to 8 km away, some an hour and a half late, a few without
        location (flagged for the supervisors).  The days' reports are already
        submitted, so the check-ins are written in one statement, as the
        check-in would have written them (``_check_in_values``)."""
        rnd = random.Random(2026)
        env = self.env
        partners = env["res.partner"].search([
            ("city", "in", list(CITY_PLACES)), ("is_company", "=", True),
            "|", ("partner_latitude", "=", False), ("partner_latitude", "=", 0)],
            order="id")
        update_rows(env.cr, "res_partner", [
            ("partner_latitude", "numeric"), ("partner_longitude", "numeric")], [
            (partner.id,) + _moved(CITY_PLACES[partner.city], rnd, 0, 3000)
            for partner in partners])
        partners.invalidate_cache(["partner_latitude", "partner_longitude"], partners.ids)
        visits = env["sales.visit"].search([
            ("state", "=", "done"), ("check_in_at", "=", False),
            ("partner_id", "in", partners.ids)], order="planned_start, id")
        # A late check-in is when the visit began: its actual times are those
        # of the check-in and check-out.
        columns = sorted(CHECK_FIELDS) + ["actual_start", "actual_stop"]
        rows = []
        for visit in visits:
            place = (visit.partner_id.partner_latitude, visit.partner_id.partner_longitude)
            start = fields.Datetime.from_string(visit.planned_start)
            roll = rnd.random()
            minutes = rnd.randint(95, 130) if 0.07 <= roll < 0.12 else rnd.randint(-10, 20)
            moment = start + timedelta(minutes=minutes)
            if roll < 0.07:
                where = _moved(place, rnd, 4000, 8000)
            elif 0.12 <= roll < 0.15:
                where = (None, None)
            else:
                where = _moved(place, rnd, 20, 300)
            accuracy = rnd.choice((8.0, 12.0, 20.0, 35.0)) if where[0] else None
            values = visit._check_in_values(fields.Datetime.to_string(moment), where[0],
                                            where[1], accuracy)
            out = moment + timedelta(minutes=rnd.randint(35, 55))
            values.update(visit._place_values(
                "check_out", where[0], where[1], accuracy, fields.Datetime.to_string(out)))
            values["check_in_flagged"] = not values["check_in_located"] or \
                values["check_in_far"] or values["check_in_off_time"]
            late = values["check_in_off_time"]
            values["actual_start"] = values["check_in_at"] if late else visit.actual_start or None
            values["actual_stop"] = values["check_out_at"] if late else visit.actual_stop or None
            rows.append([visit.id] + [values[name] for name in columns])
        types = {"boolean": "bool", "datetime": "timestamp", "float": "float8"}
        update_rows(env.cr, "sales_visit",
                    [(name, types[visits._fields[name].type]) for name in columns], rows)
        visits.invalidate_cache(columns, visits.ids)
        return True
