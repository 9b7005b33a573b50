"""The quotation's totals when a scan adds a unit and the company rounds taxes
globally (``tax_calculation_rounding_method = 'round_globally'``, Odoo's default).

Odoo's ``sale.order._compute_amounts`` runs the tax engine over every line of
the order (about 29 ms of a scan on a quotation of 200 lines). With taxes that
are linear in the line's base (``percent`` and ``division`` taxes, price included
or excluded, affecting the base of later ones or not: no fixed or code amounts,
no group, no reverse charge) and nothing else in the computation (no early
payment discount on the *mixed* basis, no line with imported tax amounts
``extra_tax_data`` and no down payment line), the totals Odoo's rounding of
``account.tax._round_base_lines_tax_details`` and ``_get_tax_totals_summary``
gives are functions of sums over the lines only:

* ``amount_tax`` = the sum, per tax (and its price-included flag), of the
  rounded sum of the lines' unrounded tax amounts;
* ``amount_untaxed`` = the rounded sum of the lines' unrounded untaxed amounts
  when one tax of the order is price-excluded; with only price-included taxes,
  the rounded sum of the lines' unrounded totals less ``amount_tax``;
* ``amount_total`` = their sum.

The unrounded amounts of a line are linear in its base ``price_unit * (1 -
discount / 100) * quantity``: the sums over lines with the same taxes are the
amounts of one line whose base is the sum of their bases. So the scan lets Odoo
compute the scanned line, sums the bases per set of taxes (exactly, in SQL's
``numeric``, in the order's lock query, moved by the scanned line's change in
``Decimal``) and runs *Odoo's own* engine and rounding on one line per set of
taxes instead of one per order line.

Both sides compute the same real sums with floating point errors; they round
alike unless a sum lies within those errors of a half cent (or is zero, where
Odoo's rounding skips its correction): there, and whenever a condition above
does not hold or an installed addon overrides a method of the computation
(:data:`REPRODUCED`), Odoo computes the totals itself.
``tests/test_sale_scan_global.py`` compares every stored column of the lines and
the order with Odoo's own write, on chosen and on random orders.
"""

import math
from decimal import Decimal

from odoo.tools import SQL

from odoo.addons.serial_tracking_barcode.tools.move_line_sql import (
    sql_write_allowed,
)

from .order_totals import NO_MIXED_EARLY_DISCOUNT, TOTAL_FIELDS
from .order_totals import REPRODUCED as PER_LINE_REPRODUCED

# Columns of the order's lock query (alias ``p``): whether the order may take the
# fast totals (``globally``), its priced lines' bases per set of taxes
# (``global_bases``: JSON ``{"count": lines, "bases": [[tax ids], base, sum of
# |base|, lines], ...]}``, the sums as text, exact).
GLOBAL_BASES = """
    (SELECT c.tax_calculation_rounding_method = 'round_globally'
       FROM res_company c WHERE c.id = p.company_id)
    AND %(no_mixed_discount)s
    AND NOT EXISTS (
        SELECT 1 FROM sale_order_line sol
         WHERE sol.order_id = p.id AND sol.display_type IS NULL
           AND (sol.extra_tax_data IS NOT NULL OR sol.is_downpayment))
    AS globally,
    (SELECT JSON_BUILD_OBJECT(
                'count', COALESCE(SUM(g.lines), 0),
                'bases', COALESCE(JSON_AGG(JSON_BUILD_ARRAY(
                    g.taxes, g.base::text, g.magnitude::text, g.lines)), '[]'))
       FROM (SELECT ARRAY(SELECT r.%(tax)s FROM %(relation)s r
                           WHERE r.%(line)s = sol.id ORDER BY 1) AS taxes,
                    COUNT(*) AS lines,
                    SUM(sol.base) AS base, SUM(ABS(sol.base)) AS magnitude
               FROM (SELECT sol.id,
                            COALESCE(sol.price_unit, 0)
                            * (1 - COALESCE(sol.discount, 0) / 100)
                            * COALESCE(sol.product_uom_qty, 0) AS base
                       FROM sale_order_line sol
                      WHERE sol.order_id = p.id AND sol.display_type IS NULL
                        -- Only when used: a one-time filter of the query.
                        AND (SELECT c.tax_calculation_rounding_method
                               FROM res_company c WHERE c.id = p.company_id)
                            = 'round_globally') sol
           GROUP BY 1) g) AS global_bases
"""

_ACCOUNT_TAX = ("odoo.addons.account.models.account_tax",)
# The methods of the computation (see the module's docstring): Odoo's own.
REPRODUCED = {
    **PER_LINE_REPRODUCED,
    **{
        ("account.tax", method): _ACCOUNT_TAX
        for method in (
            "_prepare_base_line_for_taxes_computation",
            "_get_tax_details",
            "_eval_tax_amount_price_included",
            "_eval_tax_amount_price_excluded",
            "_eval_tax_amount_fixed_amount",
            "_round_tax_details_tax_amounts",
            "_round_tax_details_base_lines",
            "_round_tax_details_tax_amounts_from_tax_lines",
            "_aggregate_base_line_tax_details",
            "_aggregate_base_lines_tax_details",
            "_aggregate_base_lines_aggregated_values",
        )
    },
}

LINEAR_TYPES = ("percent", "division")
# A bound of the floating point error of one line's amounts in Odoo's computation,
# in units of the double's precision (a few operations each), with room to spare.
LINE_ERROR = 64


def global_bases_sql(env):
    """The lock query's columns of :data:`GLOBAL_BASES`."""
    field = env["sale.order.line"]._fields["tax_ids"]
    return SQL(
        GLOBAL_BASES,
        tax=SQL.identifier(field.column2),
        relation=SQL.identifier(field.relation),
        line=SQL.identifier(field.column1),
        no_mixed_discount=NO_MIXED_EARLY_DISCOUNT,
    )


def bases(env, info):
    """``{"sums": {tax ids: [base, magnitude, lines]}, "lines": lines}`` of the
    order's priced lines (``Decimal`` sums), from the lock query's ``info``, or
    ``None`` when Odoo must compute the totals."""
    if not info.get("globally") or not sql_write_allowed(env, REPRODUCED):
        return None
    found = info["global_bases"]
    sums = {
        tuple(taxes): [Decimal(base), Decimal(magnitude), lines]
        for taxes, base, magnitude, lines in found["bases"]
    }
    return {"sums": sums, "lines": found["count"]}


def total_fields(env, found):
    """The order's total fields the scan sets (``[]`` without ``found``)."""
    if found is None:
        return []
    fields = env["sale.order"]._fields
    return [fields[name] for name in TOTAL_FIELDS]


def line_base(line):
    """``(tax ids, base)`` of ``line`` as it is in the cache (``Decimal``, exact:
    the values have their fields' digits)."""
    base = (
        Decimal(repr(line.price_unit))
        * (1 - Decimal(repr(line.discount)) / 100)
        * Decimal(repr(line.product_uom_qty))
    )
    return tuple(sorted(line.tax_ids.ids)), base


def move(found, before, after):
    """Move ``found``'s sums by a line's change from ``before`` to ``after``
    (``line_base`` values, ``None`` for a new line)."""
    sums = found["sums"]
    if before is not None:
        taxes, base = before
        entry = sums.setdefault(taxes, [Decimal(0), Decimal(0), 0])
        entry[0] -= base
        entry[1] -= abs(base)
        entry[2] -= 1
    else:
        found["lines"] += 1
    taxes, base = after
    entry = sums.setdefault(taxes, [Decimal(0), Decimal(0), 0])
    entry[0] += base
    entry[1] += abs(base)
    entry[2] += 1


def set_totals(order, found):
    """Set ``order``'s totals (protected) to Odoo's on the sums ``found``; False,
    setting nothing, when Odoo must compute them (see the module's docstring)."""
    env = order.env
    Tax = env["account.tax"]
    # A set of taxes on no line any more computes nothing; one on lines of no
    # amount still decides Odoo's rounding mode.
    sums = {taxes: entry for taxes, entry in found["sums"].items() if entry[2] > 0}
    taxes = Tax.browse(sorted({tax for ids in sums for tax in ids}))
    if any(
        tax.amount_type not in LINEAR_TYPES or tax.has_negative_factor for tax in taxes
    ):
        return False
    company = order.company_id
    currency = order.currency_id or company.currency_id
    base_lines = [
        Tax._prepare_base_line_for_taxes_computation(
            None,
            tax_ids=Tax.browse(ids),
            price_unit=float(base),
            quantity=1.0,
            currency_id=currency,
        )
        for ids, (base, _magnitude, _lines) in sums.items()
    ]
    Tax._add_tax_details_in_base_lines(base_lines, company)
    if not _rounds_alike(base_lines, sums.values(), found["lines"], currency):
        return False
    Tax._round_base_lines_tax_details(base_lines, company)
    # The global amounts of ``_get_tax_totals_summary`` (its first part: the rest,
    # per tax group, reads the groups for the widget, and no cash rounding here).
    values = Tax._aggregate_base_lines_aggregated_values(
        Tax._aggregate_base_lines_tax_details(base_lines, _global_grouping)
    ).values()
    untaxed = sum(value["total_excluded_currency"] for value in values)
    tax = sum(value["tax_amount_currency"] for value in values)
    context = env.context
    if not (context.get("tracking_disable") or context.get("mail_notrack")):
        order._track_prepare(TOTAL_FIELDS)
    order.amount_untaxed = currency.round(untaxed)
    order.amount_tax = currency.round(tax)
    order.amount_total = currency.round(untaxed + tax)
    return True


def _global_grouping(base_line, tax_data):
    """``_get_tax_totals_summary``'s ``global_grouping_function``."""
    return True if tax_data else None


def _rounds_alike(base_lines, entries, lines, currency):
    """Whether Odoo's computation over the order's ``lines`` lines rounds every sum
    it rounds as the aggregated ``base_lines`` (of the bases and magnitudes
    ``entries``) do: no sum within both sides' floating point errors of a half
    unit of ``currency`` or, for the untaxed or total sum, of zero."""
    sums = {}  # name: [unrounded sum, sum of the absolute values summed]
    excluded = False
    for base_line, (base, magnitude, _lines) in zip(base_lines, entries, strict=True):
        # The lines' amounts are the aggregated line's scaled: their absolute
        # values sum to the aggregated amount's times magnitude / |base|.
        if base:
            scale = float(magnitude / abs(base))
        elif magnitude:
            return False  # lines that cancel out: no scale
        else:
            scale = 0.0
        details = base_line["tax_details"]
        untaxed = details["raw_total_excluded_currency"]
        total, size = untaxed, abs(untaxed)
        _add(sums, "untaxed", untaxed, abs(untaxed) * scale)
        for tax_data in details["taxes_data"]:
            excluded |= not tax_data["price_include"]
            amount = tax_data["raw_tax_amount_currency"]
            total += amount
            size += abs(amount)
            key = (tax_data["tax"].id, tax_data["price_include"])
            _add(sums, key, amount, abs(amount) * scale)
        _add(sums, "total", total, size * scale)
    checked = [key for key in sums if key not in ("untaxed", "total")]
    checked.append("untaxed" if excluded else "total")
    unit = currency.rounding
    for key in checked:
        value, size = sums[key]
        error = (2 * LINE_ERROR * (lines + 1) * size * 2.0**-53 + 1e-12) / unit
        normalized = value / unit
        half = abs(normalized - math.floor(normalized) - 0.5)
        if half <= error or (key in ("untaxed", "total") and abs(normalized) <= error):
            return False
    return True


def _add(sums, key, amount, size):
    entry = sums.setdefault(key, [0.0, 0.0])
    entry[0] += amount
    entry[1] += size
