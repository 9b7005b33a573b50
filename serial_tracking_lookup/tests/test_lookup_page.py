import base64
import io
from datetime import date
from unittest.mock import patch

from PIL import Image

from odoo import Command, fields
from odoo.tests import tagged

from .common import AUTH_GTIN, PRINTER_GTIN, UNKNOWN_GTIN, LookupHttpCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestLookupPage(LookupHttpCommon):
    """Every verdict over real HTTP, as HTML and as JSON."""

    def test_genuine_under_warranty(self):
        self.assertEqual(self.unit_sold.unit_state, "delivered")
        end = self.unit_sold.warranty_end_date
        self.assertTrue(end and end > date.today())
        response = self.lookup("LK-SOLD-1", json=True)
        self.assertOk(response)
        self.assertTrue(response.headers["Content-Type"].startswith("application/json"))
        self.assertEqual(
            response.json(),
            {
                "verdict": "genuine",
                "gtin": "05410000000019",
                "serial": "LK-SOLD-1",
                "batch": None,
                "product": {"name": "Handheld Scanner", "image": None},
                "manufacture_date": "2026-01-15",
                "warranty": {"status": "active", "end_date": str(end)},
                "recall": None,
            },
        )
        page = self.lookup("LK-SOLD-1")
        self.assertOk(page)
        self.assertTrue(page.headers["Content-Type"].startswith("text/html"))
        self.assertIn("Genuine product", page.text)
        self.assertIn("Handheld Scanner", page.text)
        self.assertIn("Under warranty until", page.text)
        self.assertIn("01/15/2026", page.text)  # manufacture date, en_US format
        self.assertIn('name="viewport"', page.text)
        self.assertTrue(page.text.startswith("<!DOCTYPE html>\n"), page.text[:40])
        self.assertIn("default-src 'none'", page.headers["Content-Security-Policy"])
        self.assertNotIn("<script", page.text)

    def test_warranty_expired(self):
        answer = self.lookup("LK-OLD-1", json=True, gtin=PRINTER_GTIN).json()
        self.assertEqual(answer["verdict"], "genuine")
        self.assertEqual(answer["warranty"]["status"], "expired")
        self.assertLess(answer["warranty"]["end_date"], str(date.today()))
        page = self.lookup("LK-OLD-1", gtin=PRINTER_GTIN)
        self.assertIn("Warranty expired on", page.text)

    def test_not_yet_sold(self):
        answer = self.lookup("LK-STOCK-1", json=True).json()
        self.assertEqual(answer["verdict"], "genuine")
        self.assertEqual(answer["warranty"], {"status": "not_sold", "end_date": None})
        self.assertIn("Not yet sold", self.lookup("LK-STOCK-1").text)

    def test_recalled(self):
        self.env.company.serial_lookup_recall_text = "Call 0800 RECALL for a swap."
        answer = self.lookup("LK-RECALL-1", json=True).json()
        self.assertEqual(answer["verdict"], "recalled")
        self.assertEqual(
            answer["recall"], {"title": None, "instructions": None, "url": None}
        )
        self.assertEqual(answer["product"]["name"], "Handheld Scanner")
        page = self.lookup("LK-RECALL-1")
        self.assertIn("Recalled", page.text)
        self.assertIn('id="recall"', page.text)
        self.assertIn("Call 0800 RECALL for a swap.", page.text)

    def test_recall_instructions_of_a_recall_addon(self):
        """The seam a recall addon overrides: only its public keys are published."""

        def recall_info(lot):
            return {
                "title": f"Recall R-7 of {lot.name}",
                "instructions": "Unplug it.\nCall <b>0800 777</b>.",
                "url": "https://example.com/recalls/R-7",
                "customer": lot.customer_id.name,  # never published
            }

        Lot = type(self.env["stock.lot"])
        with patch.object(Lot, "_serial_lookup_recall_info", recall_info):
            answer = self.lookup("LK-RECALL-1", json=True).json()
            page = self.lookup("LK-RECALL-1").text
        self.assertEqual(
            answer["recall"],
            {
                "title": "Recall R-7 of LK-RECALL-1",
                "instructions": "Unplug it.\nCall <b>0800 777</b>.",
                "url": "https://example.com/recalls/R-7",
            },
        )
        self.assertIn("Recall R-7 of LK-RECALL-1", page)
        self.assertIn("Unplug it.<br/>Call &lt;b&gt;0800 777&lt;/b&gt;.", page)
        self.assertIn('href="https://example.com/recalls/R-7"', page)
        self.assertNotIn(self.buyer.name, page)
        self.assertNotIn(self.buyer.name, str(answer))

        def bad_url(lot):
            return {"url": "javascript:alert(1)"}

        with patch.object(Lot, "_serial_lookup_recall_info", bad_url):
            answer = self.lookup("LK-RECALL-1", json=True).json()
            page = self.lookup("LK-RECALL-1").text
        self.assertIsNone(answer["recall"]["url"])
        self.assertNotIn("javascript:", page)

    def test_not_verified_answers_are_all_alike(self):
        """Unknown serial of a known GTIN, wrong authenticity code, unknown GTIN,
        scrapped unit, wrong batch: one answer, whatever exists behind it."""
        bad_code = self.unit_auth.name[:-1] + (
            "A" if self.unit_auth.name[-1] != "A" else "B"
        )
        cases = [
            ("LK-NOPE-1", {}),
            (bad_code, {"gtin": AUTH_GTIN}),
            ("LK-SOLD-1", {"gtin": UNKNOWN_GTIN}),
            ("LK-SCRAP-1", {}),
            ("LK-SOLD-1", {"batch": "B-OTHER"}),
        ]
        bodies = set()
        for serial, kwargs in cases:
            response = self.lookup(serial, json=True, **kwargs)
            self.assertOk(response)
            answer = response.json()
            self.assertEqual(answer["verdict"], "not_verified", serial)
            for name in ("product", "manufacture_date", "warranty", "recall"):
                self.assertIsNone(answer[name], serial)
            # what remains is only the request's own key
            self.assertEqual(answer["serial"], serial)
            html = self.lookup(serial, **kwargs).text
            self.assertIn("Not verified", html)
            self.assertNotIn("Handheld Scanner", html)
            self.assertNotIn("Signed Meter", html)
            bodies.add(
                html.replace(serial, "<serial>")
                .replace(kwargs.get("gtin", "05410000000019"), "<gtin>")
                .replace(kwargs.get("batch") or "\0", "<batch>")
            )
        batchless = {body for body in bodies if "<batch>" not in body}
        self.assertEqual(len(batchless), 1, "not verified pages differ")

    def test_authenticity_code(self):
        """A unit named by a scheme with {auth:N}: genuine with its code."""
        answer = self.lookup(self.unit_auth.name, json=True, gtin=AUTH_GTIN).json()
        self.assertEqual(answer["verdict"], "genuine")
        self.assertEqual(answer["product"]["name"], "Signed Meter")
        # a unit of that product whose serial lacks the code is not vouched for
        self.env["stock.lot"].create(
            {"product_id": self.auth_product.id, "name": "AU-9999ZZZZZZ"}
        )
        answer = self.lookup("AU-9999ZZZZZZ", json=True, gtin=AUTH_GTIN).json()
        self.assertEqual(answer["verdict"], "not_verified")

    def test_batch_must_match(self):
        batch = self.env["serial.batch"].create(
            {"name": "B/77", "product_id": self.scanner.id}
        )
        self.unit_stock.batch_id = batch
        self.assertEqual(
            self.lookup("LK-STOCK-1", json=True, batch="B/77").json()["verdict"],
            "genuine",
        )
        self.assertEqual(
            self.lookup("LK-STOCK-1", json=True, batch="B/78").json()["verdict"],
            "not_verified",
        )

    def test_variant_name(self):
        """A variant shows its values, never the internal reference."""
        colour = self.env["product.attribute"].create(
            {"name": "Colour", "value_ids": [Command.create({"name": "Teal"})]}
        )
        colour.value_ids |= self.env["product.attribute.value"].create(
            {"name": "Amber", "attribute_id": colour.id}
        )
        template = self.env["product.template"].create(
            {
                "name": "Desk Scanner",
                "is_storable": True,
                "tracking": "serial",
                "default_code": "DSK-INTERNAL",
                "attribute_line_ids": [
                    Command.create(
                        {"attribute_id": colour.id, "value_ids": colour.value_ids.ids}
                    )
                ],
            }
        )
        teal = template.product_variant_ids.filtered(
            lambda p: p.product_template_variant_value_ids.name == "Teal"
        )
        teal.barcode = "4006381333948"
        self._receive_units(teal, ["LK-TEAL-1"])
        answer = self.lookup("LK-TEAL-1", json=True, gtin="04006381333948").json()
        self.assertEqual(answer["product"]["name"], "Desk Scanner (Teal)")
        self.assertNotIn(
            "DSK-INTERNAL", self.lookup("LK-TEAL-1", gtin="04006381333948").text
        )

    def test_product_image(self):
        stream = io.BytesIO()
        Image.new("RGB", (64, 64), "red").save(stream, "PNG")
        self.scanner.image_1920 = base64.b64encode(stream.getvalue())
        image = self.lookup("LK-SOLD-1", json=True).json()["product"]["image"]
        self.assertTrue(image.startswith(f"/serial-lookup/image/{self.scanner.id}/"))
        self.assertIn(f'src="{image}"', self.lookup("LK-SOLD-1").text)
        response = self.url_open(image)
        self.assertOk(response)
        self.assertEqual(response.headers["Content-Type"], "image/png")
        # product ids cannot be walked: a wrong token is a 404
        self.assertOk(self.url_open(image[:-4] + "0000"), 404)
        self.assertOk(
            self.url_open(f"/serial-lookup/image/{self.printer.id}/{image[-32:]}"), 404
        )

    def test_language_and_texts(self):
        """The visitor's language (Accept-Language) and the company's texts in it."""
        self.env["res.lang"]._activate_lang("fr_FR")
        company = self.env.company
        company.serial_lookup_intro = "Thank you for your trust."
        company.with_context(
            lang="fr_FR"
        ).serial_lookup_intro = "Merci de votre confiance."
        self.scanner.with_context(lang="fr_FR").name = "Scanner portatif"
        # the page's own words are translatable terms
        self.env.ref("serial_tracking_lookup.lookup_page").update_field_translations(
            "arch_db", {"fr_FR": {"Genuine product": "Produit authentique"}}
        )
        page = self.lookup("LK-SOLD-1", headers={"Accept-Language": "fr-BE, en;q=0.5"})
        self.assertIn('lang="fr-FR"', page.text)
        self.assertIn("Produit authentique", page.text)
        self.assertIn("Merci de votre confiance.", page.text)
        self.assertIn("Scanner portatif", page.text)
        answer = self.lookup(
            "LK-SOLD-1", json=True, headers={"Accept-Language": "fr"}
        ).json()
        self.assertEqual(answer["product"]["name"], "Scanner portatif")
        english = self.lookup("LK-SOLD-1", headers={"Accept-Language": "de, en-GB"})
        self.assertIn("Thank you for your trust.", english.text)

    def test_lookups_are_logged(self):
        self.lookup("LK-SOLD-1")
        self.lookup("LK-NOPE-1", json=True)
        logs = self.env["serial.lookup.log"].search([], order="id")
        self.assertEqual(logs.mapped("serial"), ["LK-SOLD-1", "LK-NOPE-1"])
        self.assertEqual(logs.mapped("verdict"), ["genuine", "not_verified"])
        self.assertEqual(logs[0].lot_id, self.unit_sold)
        self.assertFalse(logs[1].lot_id)
        self.assertEqual(len(set(logs.mapped("client_hash"))), 1)
        self.assertNotIn("127.0.0.1", logs[0].client_hash)
        self.assertEqual(len(logs[0].client_hash), 32)
        self.assertLessEqual(logs[0].date, fields.Datetime.now())
        self.assertEqual(self.unit_sold.lookup_count, 1)
