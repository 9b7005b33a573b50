from odoo.tests import Form, new_test_user

from odoo.addons.serial_tracking_scheme.tests.common import SchemeCommon
from odoo.addons.serial_tracking_scheme.tools import scheme as scheme_tools

PATTERN = "{product}-{site}{yy}{ww}-{counter:6}{check}"


class SchemeMrpCommon(SchemeCommon):
    """Fixtures of the manufacturing tests, on top of :class:`SchemeCommon`:

    - ``scheme``: ``PATTERN`` for ``product`` (``product_b`` has no scheme);
    - ``component`` (consumable) and a BoM of one component per unit for each;
    - ``mrp_user``: manufacturing user who sees serials;
    - :meth:`make_mo` builds a confirmed manufacturing order, started on
      ``START`` (2026-01-07, ISO week 02);
    - :meth:`counter` reads the scheme's next counter value;
    - :meth:`assertSchemeSerials` checks serials with the scheme tools (whose check
      characters the scheme's tool tests pin with published vectors).
    """

    START = "2026-01-07 09:00:00"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scheme = cls.make_scheme(PATTERN, product_id=cls.product.id)
        cls.component = cls.env["product.product"].create(
            {"name": "Gasket", "type": "consu"}
        )
        cls.env["mrp.bom"].create(
            [
                {
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "product_qty": 1,
                    "bom_line_ids": [
                        (0, 0, {"product_id": cls.component.id, "product_qty": 1})
                    ],
                }
                for product in (cls.product, cls.product_b)
            ]
        )
        cls.mrp_user = new_test_user(
            cls.env,
            "st_scheme_mrp_user",
            groups="mrp.group_mrp_user,stock.group_production_lot",
        )

    def make_mo(self, quantity, product=None, picking_type=None, user=None):
        env = self.env(user=user) if user else self.env
        form = Form(env["mrp.production"])
        form.product_id = product or self.product
        if picking_type:
            form.picking_type_id = picking_type
        form.product_qty = quantity
        production = form.save()
        production.date_start = self.START
        production.action_confirm()
        return production

    def counter(self):
        """The scheme's next counter value, read afresh (it moves outside the ORM)."""
        self.scheme.invalidate_recordset(["counter_next"])
        return self.scheme.counter_next

    def assertSchemeSerials(self, names, site="WH"):
        """Every serial of ``names`` is the scheme's, dated by ``START``, for
        ``site``, with a valid check character (``verify``), and their counters
        follow each other (one draw)."""
        checker = scheme_tools.Scheme(PATTERN)
        counters = []
        for name in names:
            self.assertTrue(name.startswith(f"PMP-{site}2602-"), name)
            self.assertTrue(checker.verify(name), name)
            counters.append(int(name[-7:-1]))
        self.assertEqual(counters, list(range(counters[0], counters[0] + len(names))))
