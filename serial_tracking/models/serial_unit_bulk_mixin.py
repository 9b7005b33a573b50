from collections import defaultdict

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

from ..tools import bulk_insert, constraints

# The overrides of stock.lot.create that _serial_create_as_odoo reproduces.
ODOO_LOT_CREATE = (
    "odoo.addons.stock.models.stock_lot",
    "odoo.addons.stock_account.models.stock_lot",
    "odoo.addons.mail.models.mail_thread",
    "odoo.orm.models",
)
# mail.thread hooks of a creation whose default behaviour it relies on.
MAIL_DEFAULTS = (
    "_creation_message",
    "_creation_subtype",
    "_message_auto_subscribe_followers",
    "_message_log_batch",
)


class SerialUnitBulkMixin(models.AbstractModel):
    """Creation of many serial units at once, with the result of ``create``: the
    part of ``stock.lot`` (which inherits this mixin) shared by capture, schemes and
    the fast validation path. Holds no fields: it works on ``stock.lot``'s."""

    _name = "serial.unit.bulk.mixin"
    _description = "Serial Unit Bulk Creation"

    @api.model
    def _serial_bulk_create(self, vals_list):
        """Create many units fast; same result as ``create(vals_list)`` with tracking
        off.

        Units whose values differ only by ``name`` share one prototype: the ORM computes
        its defaults and stored computed fields once (``new()``), then every row goes in
        with one ``INSERT ... SELECT unnest(...)`` per batch. Access rights, company
        consistency (once per prototype) and the constraints on the written fields
        (serial uniqueness…) are checked like ``create`` does, on the whole set at once.
        """
        if not vals_list:
            return self.browse()
        self.check_access("create")
        lots_env = self.with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )

        def prototype(vals):
            record = lots_env.new({**vals, "name": "-"})
            record._check_company()
            return record

        lots, written = bulk_insert.create_records(
            self, vals_list, ("name",), prototype
        )
        ids = lots.ids
        deferred = self.env.context.get("serial_unique_deferred")
        if deferred is None:
            self._serial_check_unique_sql(ids)
        else:
            # Checked once for all the chunks of a big receipt by their caller.
            deferred.extend(ids)
        # Units created without manufacturer serial (none written): the core's
        # check that one is unique per product has nothing to find, on any of
        # them; run on one unit instead of reading 100,000 into the cache.
        from .stock_lot import StockLot

        grouped = {}
        if "manufacturer_serial" not in written:
            grouped[StockLot._check_unique_manufacturer_serial] = lambda _lot_id: None
        constraints.validate_fields(
            lots.with_context(serial_unique_checked=True), written, grouped
        )
        lots.check_access("create")
        return lots

    def _serial_check_unique_sql(self, ids):
        """Odoo's ``_check_unique_lot`` for the units ``ids`` in one query: a serial is
        unique per product within a company, and a unit without company clashes with
        every company's. One hash aggregate over the units of the products
        concerned: a join on (product, name) with the new units let stale statistics
        (the units inserted by this transaction) pick a nested loop, quadratic."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT lot.name
                  FROM stock_lot lot
                 WHERE lot.product_id = ANY(ARRAY(
                        SELECT DISTINCT product_id FROM stock_lot
                         WHERE id = ANY(%(ids)s)))
                 GROUP BY lot.product_id, lot.name
                HAVING count(*) > 1
                   AND bool_or(lot.id = ANY(%(ids)s))
                   AND (count(DISTINCT lot.company_id) < count(*)
                        OR bool_or(lot.company_id IS NULL))
                 LIMIT 20
                """,
                ids=list(ids),
            )
        )
        if rows:
            raise ValidationError(
                self.env._(
                    "The combination of lot/serial number and product must be unique "
                    "within a company including when no company is defined.\n"
                    "The following serial numbers are duplicates:\n%(lines)s",
                    lines="\n".join(f" - {name}" for (name,) in rows),
                )
            )

    # ---- Odoo's create of units, in bulk -------------------------------------------
    @api.model
    def _serial_can_create_as_odoo(self):
        """Whether :meth:`_serial_create_as_odoo` gives what ``create`` gives here:
        the only overrides of ``stock.lot.create`` are Odoo's own ones that it
        reproduces (stock, mail.thread, stock_account), with mail.thread's default
        creation note and no auto-subscription of followers."""
        if not bulk_insert.create_overridden_only_by(self, ODOO_LOT_CREATE):
            return False
        for name in MAIL_DEFAULTS:
            owner = next(cls for cls in type(self).__mro__ if name in vars(cls))
            if owner.__module__ != "odoo.addons.mail.models.mail_thread":
                return False
        if "user_id" in self._fields:
            return False
        relation = self.env["mail.message.subtype"]._get_auto_subscription_subtypes(
            self._name
        )[4]
        return not relation

    @api.model
    def _serial_create_as_odoo(self, vals_list):
        """``create(vals_list)`` as Odoo's overrides make it, rows inserted in bulk by
        :meth:`_serial_bulk_create` (only when :meth:`_serial_can_create_as_odoo`):

        - stock: ``_check_create`` (the operation type may create serials); the
          creator is not subscribed (stock creates units with
          ``mail_create_nosubscribe``);
        - mail.thread: unless ``tracking_disable`` or ``mail_create_nolog``, each
          unit gets Odoo's creation note (:meth:`_serial_log_creation`);
        - stock_account: units of products valued by serial take the product's
          cost;
        - the stored computed fields that are not precomputed are computed again
          afterwards, as the ORM computes them after create's overrides.
        """
        ctx = self.env.context
        product_ids = {vals.get("product_id") for vals in vals_list}
        product_ids.add(ctx.get("default_product_id"))
        self.with_context(lot_product_ids=product_ids)._check_create()
        lots = self._serial_bulk_create(vals_list)
        if not (ctx.get("tracking_disable") or ctx.get("mail_create_nolog")):
            lots._serial_log_creation()
        if "lot_valuated" in self.env["product.product"]._fields:
            # The units' products in one query (reading them through the ORM
            # reads every column of every unit).
            by_product = defaultdict(list)
            units = self._serial_product_company(lots.ids)
            for lot_id, (product_id, _company_id) in units.items():
                by_product[product_id].append(lot_id)
            Product = self.env["product.product"]
            for product_id, lot_ids in by_product.items():
                product = Product.browse(product_id)
                if product.lot_valuated:
                    product_lots = lots.browse(lot_ids)
                    unpriced = product_lots.filtered(lambda lot: not lot.standard_price)
                    unpriced.with_context(disable_auto_revaluation=True).write(
                        {"standard_price": product.standard_price}
                    )
        # The ORM computes the stored fields that are not precomputed after create's
        # overrides (at flush): so here, over the prototype's values.
        given = set().union(*vals_list)
        fields_ = [
            field
            for field in self._fields.values()
            if field.store
            and field.compute
            and not field.precompute
            and field.name not in given
        ]
        lots._serial_settle_computed(fields_, vals_list)
        return lots

    def _serial_settle_computed(self, fields_, vals_list):
        """Mark the stored computed fields ``fields_`` of the new units ``self``
        (made from ``vals_list``, in order) for recomputation, as ``create`` does,
        but only where it can change what the bulk insert wrote.

        Units made from values that differ only by ``name`` got their prototype's
        values. Where none of the fields depends on ``name``, the computation is
        run at once on the group's first unit, after create's overrides as the
        ORM would: when it gives back the prototype's values, it gives them for
        every unit of the group (same dependencies), which then keep them instead
        of being recomputed one by one (and their dependents with them: the
        lines' and quants' dates...). Otherwise, and always for units whose
        computation reads more than its dependencies (the value of units valued
        one by one, the expiration dates counted from now), every unit is
        marked."""
        if not self or not fields_:
            return
        depends = self.env.registry.field_depends
        by_name = any(
            dep == "name" or dep.startswith("name.")
            for field in fields_
            for dep in depends[field]
        )
        groups = {}
        for lot_id, vals in zip(self.ids, vals_list, strict=True):
            key = tuple(sorted((k, v) for k, v in vals.items() if k != "name"))
            groups.setdefault(key, []).append(lot_id)
        names = [field.name for field in fields_]
        everywhere = []
        for lot_ids in groups.values():
            group = self.browse(lot_ids)
            if by_name or group[:1]._serial_computes_beyond_depends():
                everywhere.append(group)
                continue
            first = group[:1]
            inserted = first.read(names, load=None)
            for field in fields_:
                self.env.add_to_compute(field, first)
            if first.read(names, load=None) != inserted:
                everywhere.append(group[1:])
        for group in everywhere:
            for field in fields_:
                self.env.add_to_compute(field, group)

    def _serial_computes_beyond_depends(self):
        """Whether the stored computations of the unit ``self`` read more than
        their dependencies: the value of a unit valued one by one (its quants),
        the expiration dates of a product that uses them (counted from now)."""
        product = self.product_id
        return bool(
            product
            and (
                ("lot_valuated" in product._fields and product.lot_valuated)
                or (
                    "use_expiration_date" in product._fields
                    and product.use_expiration_date
                )
            )
        )

    def _serial_log_creation(self):
        """mail.thread's creation note on every unit of ``self``: the first one by
        Odoo's own ``_message_log_batch``, the others as copies of its row that
        differ only by record and message id (the note is the same for every
        unit), in one ``INSERT ... SELECT`` (mail_message), then the caches of the
        units' messages are invalidated and the ORM told of the new rows."""
        if not self:
            return self.env["mail.message"]
        first = self[:1]
        prototype = first._message_log_batch(
            bodies={first.id: first._creation_message()}
        )
        rest = self[1:]
        if not rest:
            return prototype
        Message = self.env["mail.message"]
        Message.flush_model()
        columns = [
            name
            for name, field in Message._fields.items()
            if field.store
            and field.column_type
            and name not in ("id", "res_id", "message_id")
        ]
        ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
                    INSERT INTO mail_message (res_id, message_id, %(columns)s)
                    SELECT v.res_id, v.message_id, %(copied)s
                      FROM mail_message m,
                           unnest(%(res_ids)s::int[], %(message_ids)s::varchar[])
                           AS v(res_id, message_id)
                     WHERE m.id = %(prototype)s
                     ORDER BY v.res_id
                    RETURNING id
                    """,
                    columns=SQL(", ").join(SQL.identifier(name) for name in columns),
                    copied=SQL(", ").join(
                        SQL.identifier("m", name) for name in columns
                    ),
                    res_ids=rest.ids,
                    message_ids=[
                        generate_tracking_message_id("message-notify") for _lot in rest
                    ],
                    prototype=prototype.id,
                )
            )
        ]
        messages = Message.browse(ids)
        self.invalidate_recordset(["message_ids"])
        messages.modified(["res_id", "model", *columns], create=True)
        return prototype | messages
