from odoo.tests import tagged

from .common import CUSTOMER, PRINTER_GTIN, SCANNER_GTIN, LookupHttpCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestPrivacy(LookupHttpCommon):
    """No answer of any route shows a customer's data, whatever the unit's state."""

    def _forbidden(self):
        """Everything about the buyer and the unit's documents no one may read."""
        delivery = self.delivery
        values = dict(CUSTOMER)
        values.update(
            delivery=delivery.name,
            delivery_old=self.delivery_old.name,
            order=delivery.origin,
            location=self.stock_location.complete_name,
            customer_location=self.customer_location.complete_name,
            partner_id=f"res.partner({self.buyer.id}",
        )
        return {name: value for name, value in values.items() if value}

    def test_no_customer_data_in_any_answer(self):
        self.assertEqual(self.unit_sold.customer_id, self.buyer)
        self.assertEqual(self.delivery.partner_id, self.buyer)
        forbidden = self._forbidden()
        targets = []
        for gtin, serial in [
            (SCANNER_GTIN, "LK-SOLD-1"),  # delivered, under warranty
            (PRINTER_GTIN, "LK-OLD-1"),  # delivered, expired
            (SCANNER_GTIN, "LK-RECALL-1"),  # delivered, then recalled
            (SCANNER_GTIN, "LK-STOCK-1"),  # in stock
            (SCANNER_GTIN, "LK-SCRAP-1"),  # scrapped
            (SCANNER_GTIN, "LK-NONE-1"),  # unknown
        ]:
            dl = f"/01/{gtin}/21/{serial}"
            targets += [
                ("GET", f"/serial-lookup{dl}", "text/html"),
                ("GET", f"/serial-lookup{dl}", "application/json"),
                ("HEAD", f"/serial-lookup{dl}", "text/html"),
                ("GET", dl, "text/html"),
                ("GET", f"{dl}?linkType=linkset", "application/json"),
                ("GET", dl, "application/linkset+json"),
                ("GET", f"{dl}?linkType=gs1:pip", "text/html"),
                ("GET", f"{dl}?linkType=gs1:epcis", "text/html"),
                ("GET", f"{dl}?17=271399", "application/json"),
                ("OPTIONS", dl, "application/json"),
            ]
        # the sold unit quarantined (a quality hold) answers the same way
        answers = self._collect(targets)
        self.unit_sold.sudo()._set_sticky_state("quarantined", "quarantined")
        answers += self._collect(targets[:3])
        self.assertGreater(len(answers), 60)
        for (method, target, accept), status, headers, body in answers:
            text = (
                body.decode("utf-8", "replace")
                + "\n"
                + "\n".join(f"{name}: {value}" for name, value in headers.items())
            )
            for name, value in forbidden.items():
                self.assertNotIn(
                    value.lower(),
                    text.lower(),
                    f"{name} in the answer to {method} {target} ({accept}, {status})",
                )
        # and the answers did say something: the verdicts are there
        bodies = b"".join(body for _target, _status, _headers, body in answers)
        for verdict in (b"genuine", b"recalled", b"not_verified"):
            self.assertIn(verdict, bodies)

    def _collect(self, targets):
        return [
            (
                (method, target, accept),
                *self.raw_request(method, target, {"Accept": accept}),
            )
            for method, target, accept in targets
        ]
