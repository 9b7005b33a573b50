from odoo.tests import tagged

from .flows_common import SerialFlowsCommon

# Queries of one scan of the receive and transfer flows, per kind (warm registry,
# cold record cache). Dispatch's budgets are in test_scan_queries.py. A plain code
# is one lookup query; a new unit is made by Odoo's create (without the uniqueness
# query the lookup answered; what it reads of the product comes with the lookup),
# a receipt's line written by write_scanned_line, a transfer's new line by
# create_scanned_line. The budgets' history is in git.
RECEIVE_BUDGET = {
    "new_serial": 12,
    "gs1_serial": 36,
    "existing_unit": 8,
    "product_barcode": 31,
    "gs1_batch": 30,
    "refused": 4,
    "control_characters": 0,
}
TRANSFER_BUDGET = {
    "location": 64,
    "serial": 16,
    "gs1": 17,
    "refused": 10,
}
# Taking one scan back (a wrong unit): the receipt's line freed and the unit the
# scan made deleted; the transfer's line deleted (Odoo releases the quant). A rare,
# manual action: through the ORM.
UNSCAN_BUDGET = {"receive": 41, "transfer": 57}


@tagged("post_install", "-at_install", "serial_tracking")
class TestFlowQueries(SerialFlowsCommon):
    """Query budgets of the receive and transfer flows per scannable kind: a change
    that adds queries to a scan fails here."""

    def receive_counted(self, kind, code, warm="WARM0001"):
        # warm-up: the first scan of a kind fills the registry's caches (access
        # rules of the models it reads), as the scans before it do on a real screen
        self.receive(warm)
        self.env.invalidate_all()
        with self.assertQueryCount(RECEIVE_BUDGET[kind]):
            return self.receive(code)

    def test_receive_new_serial(self):
        self.assertEqual(self.receive_counted("new_serial", "NEWQ0001")["status"], "ok")

    def test_receive_gs1_serial(self):
        code = f"(01)0{self.GTIN_SERIAL}(21)NEWQ0002(10)BQ(17)271231"
        self.assertEqual(self.receive_counted("gs1_serial", code)["status"], "ok")

    def test_receive_existing_unit(self):
        self.env["stock.lot"].create(
            {"name": "PREQ01", "product_id": self.product_serial.id}
        )
        self.assertEqual(
            self.receive_counted("existing_unit", "PREQ01")["status"], "ok"
        )

    def test_receive_product_barcode(self):
        result = self.receive_counted(
            "product_barcode", self.BARCODE_PLAIN, warm=self.BARCODE_PLAIN
        )
        self.assertEqual(result["status"], "ok")

    def test_receive_gs1_batch(self):
        code = f"(01)0{self.GTIN_LOT}(10)LQ-1(17)271231"
        warm = f"(01)0{self.GTIN_LOT}(10)LQ-0(17)271231"
        result = self.receive_counted("gs1_batch", code, warm=warm)
        self.assertEqual(result["status"], "ok")

    def test_receive_refused(self):
        result = self.receive_counted("refused", "(01)09999999999994(21)Q")
        self.assertEqual(result["status"], "error")

    def test_receive_control_characters(self):
        result = self.receive_counted("control_characters", "A\x00B")
        self.assertEqual(result["status"], "error")

    def transfer_counted(self, kind, code):
        picking = self.open_transfer()
        # warm-up: a location and a unit, then a location again (the unit's scan
        # no longer reads the locations: the registry's caches of the location
        # scan's reads, e.g. the record rules, are filled by a location scan)
        self.transfer("LOC-B", picking)
        self.transfer("DSP0004", picking)
        self.transfer("LOC-B", picking)
        self.env.invalidate_all()
        with self.assertQueryCount(TRANSFER_BUDGET[kind]):
            return self.transfer(code, picking)

    def test_transfer_location(self):
        self.assertEqual(self.transfer_counted("location", "LOC-A")["status"], "ok")

    def test_transfer_serial(self):
        self.assertEqual(self.transfer_counted("serial", "DSP0005")["status"], "ok")

    def test_transfer_gs1(self):
        code = f"(01)0{self.GTIN_SERIAL}(21)DSP0006"
        self.assertEqual(self.transfer_counted("gs1", code)["status"], "ok")

    def test_transfer_refused(self):
        self.assertEqual(self.transfer_counted("refused", "NOPE-Q")["status"], "error")

    def test_receive_unscan(self):
        for name in ("UNQ0001", "UNQ0002"):
            self.receive(name)
        flow = self.env["serial.scan.receive"].with_user(self.user)
        flow.serial_receive_unscan(self.receipt.id, "UNQ0001")  # warm-up
        self.env.invalidate_all()
        with self.assertQueryCount(UNSCAN_BUDGET["receive"]):
            result = flow.serial_receive_unscan(self.receipt.id, "UNQ0002")
        self.assertEqual(result["status"], "ok")

    def test_transfer_unscan(self):
        picking = self.open_transfer()
        self.transfer("LOC-B", picking)
        for name in ("DSP0004", "DSP0005", "DSP0006"):
            self.transfer(name, picking)
        flow = self.env["serial.scan.transfer"].with_user(self.user)
        flow.serial_transfer_unscan(picking.id, "DSP0004")  # warm-up
        self.env.invalidate_all()
        with self.assertQueryCount(UNSCAN_BUDGET["transfer"]):
            result = flow.serial_transfer_unscan(picking.id, "DSP0005")
        self.assertEqual(result["status"], "ok")
