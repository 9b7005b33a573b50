"""The quotation's totals when a scan adds a unit: a new line, or one more unit on
a line.

Odoo's ``sale.order._compute_amounts`` rebuilds the tax details of *every* line of
the order for its totals: on a quotation of 200 lines, one more unit on one line
costs 200 lines' tax computations (about 80 % of the scan). When the company rounds
taxes per line (``tax_calculation_rounding_method = 'round_per_line'``), each line's
tax details are rounded on their own and Odoo's totals are the sums of the lines'
stored amounts: ``amount_untaxed = SUM(price_subtotal)``, ``amount_total =
SUM(price_total)``, ``amount_tax`` the difference, each rounded in the order's
currency. Only a payment term with an early payment discount computed on the
*mixed* basis adds lines of its own to that sum, and lines with imported tax
amounts (``extra_tax_data``: down payments, global discounts) carry amounts of
their own: those orders keep Odoo's computation.

A scan then lets Odoo compute the scanned line (its ``_compute_amount``, at the
line's create or write) and moves the order's totals by that line's change, as
the computation would set them (protected fields assigned in the cache, mail
tracking prepared as ``mail.thread._compute_field_value`` does), provided that:

* :data:`TOTALS_ADD_UP`, read under the order's lock, holds: the company and the
  payment term are as above, no line carries ``extra_tax_data``, and the stored
  totals are the sums of the stored lines right now (a total left stale by a
  change of settings keeps Odoo's full computation, which corrects it);
* no installed addon overrides a method of the computation (:data:`REPRODUCED`).

``tests/test_sale_scan_equivalence.py`` compares every stored column of the lines
and the order with Odoo's own write, with price-included, fixed and several taxes.
"""

from odoo.tools import SQL

from odoo.addons.serial_tracking_barcode.tools.move_line_sql import (
    sql_write_allowed,
)

# The order's (alias ``p``) payment term adds no lines of its own to the totals:
# no early payment discount computed on the *mixed* basis.
NO_MIXED_EARLY_DISCOUNT = SQL(
    """
    NOT EXISTS (
        SELECT 1 FROM account_payment_term t
         WHERE t.id = p.payment_term_id AND t.early_discount
           AND t.early_pay_discount_computation = 'mixed'
           AND COALESCE(t.discount_percentage, 0) != 0)
    """
)

# A boolean column of the order's lock query (alias ``p``, a sale_order row).
TOTALS_ADD_UP = SQL(
    """
    (SELECT c.tax_calculation_rounding_method = 'round_per_line'
       FROM res_company c WHERE c.id = p.company_id)
    AND %(no_mixed_discount)s
    AND (SELECT COALESCE(SUM(sol.price_subtotal), 0) = p.amount_untaxed
                AND COALESCE(SUM(sol.price_total), 0) = p.amount_total
                AND p.amount_total - p.amount_untaxed = p.amount_tax
                AND NOT COALESCE(BOOL_OR(sol.extra_tax_data IS NOT NULL), FALSE)
           FROM sale_order_line sol
          WHERE sol.order_id = p.id AND sol.display_type IS NULL)
    AS totals_add_up, p.amount_untaxed, p.amount_total
    """,
    no_mixed_discount=NO_MIXED_EARLY_DISCOUNT,
)

_ACCOUNT_TAX = ("odoo.addons.account.models.account_tax",)
# Per (model, method): the modules whose definition makes the totals the sums of
# the lines' amounts (Odoo's own).
REPRODUCED = {
    ("sale.order", "_compute_amounts"): ("odoo.addons.sale.models.sale_order",),
    ("sale.order", "_get_priced_lines"): ("odoo.addons.sale.models.sale_order",),
    ("sale.order", "_add_base_lines_for_early_payment_discount"): (
        "odoo.addons.sale.models.sale_order",
    ),
    ("sale.order.line", "_compute_amount"): (
        "odoo.addons.sale.models.sale_order_line",
    ),
    ("sale.order.line", "_prepare_base_line_for_taxes_computation"): (
        "odoo.addons.sale.models.sale_order_line",
    ),
    ("account.tax", "_add_tax_details_in_base_lines"): _ACCOUNT_TAX,
    ("account.tax", "_add_tax_details_in_base_line"): _ACCOUNT_TAX,
    ("account.tax", "_round_base_lines_tax_details"): _ACCOUNT_TAX,
    ("account.tax", "_get_tax_totals_summary"): _ACCOUNT_TAX,
}

TOTAL_FIELDS = ("amount_untaxed", "amount_tax", "amount_total")


def total_fields(env, info):
    """The order's total fields a scan moves by its line's change (see the module's
    docstring), or ``[]`` when Odoo must compute them."""
    if not info.get("totals_add_up") or not sql_write_allowed(env, REPRODUCED):
        return []
    fields = env["sale.order"]._fields
    return [fields[name] for name in TOTAL_FIELDS]


def add_line_change(order, info, subtotal, total):
    """Set ``order``'s totals (protected, see :func:`total_fields`) to the locked
    ones (``info``) moved by its line's change of ``subtotal`` and ``total``, as
    Odoo's computation assigns them."""
    context = order.env.context
    if not (context.get("tracking_disable") or context.get("mail_notrack")):
        order._track_prepare(TOTAL_FIELDS)
    untaxed = info["amount_untaxed"] + subtotal
    amount_total = info["amount_total"] + total
    currency = order.currency_id or order.company_id.currency_id
    order.amount_untaxed = currency.round(untaxed)
    order.amount_total = currency.round(amount_total)
    order.amount_tax = currency.round(order.amount_total - order.amount_untaxed)
