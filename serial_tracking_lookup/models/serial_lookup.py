import hashlib
import hmac
import logging
import math
import random
import time
from datetime import datetime, timedelta, timezone

import psycopg2.errors
from psycopg2.extensions import TransactionRollbackError

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from odoo.addons.serial_tracking.tools.gs1 import gtin_variants

from ..tools import digital_link

_logger = logging.getLogger(__name__)

PARAM = "serial_tracking_lookup.%s"
DEFAULTS = {
    "rate_limit": 30,  # lookups per client and window
    "rate_window": 60,  # seconds
    "clone_addresses": 10,  # distinct clients of one unit ...
    "clone_hours": 24,  # ... within this many hours flag it
    "log_days": 365,  # lookups kept this long
}
COUNT_ATTEMPTS = 5
GC_BATCH = 50000
VERIFIED = ("genuine", "recalled")
RECALL_KEYS = ("title", "instructions", "url")
TEMPLATE_FIELDS = ["name", "company_id", "categ_id", "tracking", "warranty_months"]


class SerialLookup(models.AbstractModel):
    """The public lookup of a serial unit behind its label's Digital Link.

    - :meth:`_resolve` decides the verdict of a :class:`UnitKey` (read only);
    - :meth:`_count` counts the lookup against the client's rate limit, logs it and
      flags a unit looked up from many clients, on a cursor of its own;
    - old counters and lookups are deleted by Odoo's daily autovacuum job (see
      ``serial.lookup.counter`` and ``serial.lookup.log``).

    The controller (``controllers/main.py``) parses the request and renders the
    answer: nothing here knows about HTTP.
    """

    _name = "serial.lookup"
    _description = "Serial Unit Public Lookup"

    # ---- settings -----------------------------------------------------------------
    @api.model
    def _settings(self):
        """The lookup settings as integers (defaults for missing or bad values)."""
        params = self.env["ir.config_parameter"].sudo()
        values = {}
        for name, default in DEFAULTS.items():
            try:
                value = int(params.get_param(PARAM % name, default))
            except (TypeError, ValueError):
                value = default
            values[name] = max(value, 0)
        values["rate_window"] = max(values["rate_window"], 1)
        values["clone_hours"] = max(values["clone_hours"], 1)
        return values

    def _secret(self):
        return self.env["ir.config_parameter"].sudo().get_param("database.secret")

    @api.model
    def _client_key(self, address):
        """A keyed hash of a client address (IPv6: of its /64 network), salted with
        the database secret: stable for one client, unreadable back."""
        network = digital_link.client_network(address) or "unknown"
        return self._keyed_hash("client", network)

    @api.model
    def _image_token(self, product_id):
        """The token of a product image URL: only pages this lookup rendered link to
        an image, product ids cannot be walked through."""
        return self._keyed_hash("image", product_id)

    @api.model
    def _keyed_hash(self, purpose, value):
        """32 hex digits of the HMAC-SHA256 of ``value`` for ``purpose``, keyed with
        the database secret."""
        digest = hmac.new(
            self._secret().encode(),
            f"serial_tracking_lookup.{purpose}:{value}".encode(),
            hashlib.sha256,
        )
        return digest.hexdigest()[:32]

    # ---- verdict ------------------------------------------------------------------
    @api.model
    def _resolve(self, key):
        """``(answer, entry)`` for a :class:`~..tools.digital_link.UnitKey`.

        ``answer`` is what the public gets (see :meth:`_answer`); ``entry`` what the
        log keeps and the page needs besides: ``verdict``, ``lot`` (the unit matched
        by name, even when not verified), ``product``, ``company`` (whose texts the
        page shows).

        Every key of a GTIN runs the same queries, whether its unit exists or not:
        products of the GTIN, units of the serial, the batch of the link, the scheme
        of the product; only a verified unit reads more (its answer). A serial whose
        scheme has an authenticity code ``{auth:N}`` must carry the right code: that
        check needs the scheme and the company secret only, never the unit; a wrong
        code answers exactly as an unknown serial does.
        """
        env = self.sudo().with_context(active_test=False).env
        products = env["product.product"].search_fetch(
            [
                ("barcode", "in", gtin_variants(key.gtin)),
                ("tracking", "=", "serial"),
            ],
            ["product_tmpl_id"],
            order="id",
        )
        # what the lookup reads of the template, and nothing more (the product row
        # of a template is wide: translations, descriptions, prices)
        products.product_tmpl_id.fetch(TEMPLATE_FIELDS)
        lots = env["stock.lot"].search_fetch(
            [("product_id", "in", products.ids), ("name", "=", key.serial)],
            env["stock.lot"]._serial_lookup_fields(),
            order="id",
        )
        # the batch of the link, read whether or not the unit exists
        batches = (
            env["serial.batch"].search_fetch(
                [("product_id", "in", products.ids), ("name", "=", key.batch)], []
            )
            if key.batch
            else None
        )
        # several companies may each have a unit of that serial: a recall wins
        lot = lots.sorted(lambda unit: unit.unit_state != "recalled")[:1]
        product = lot.product_id or products[:1]
        company = product.company_id or self._main_company()
        code_ok = self._auth_code_ok(product, lot.company_id or company, key.serial)
        verdict = "not_verified"
        if lot and code_ok and (batches is None or lot.batch_id in batches):
            verdict = lot._serial_lookup_verdict()
        entry = {
            "verdict": verdict,
            "lot": lot,
            "product": product,
            "company": lot.company_id or company if verdict in VERIFIED else company,
        }
        return self._answer(key, verdict, lot), entry

    @api.model
    def _main_company(self):
        """Whose texts a key that no company's product owns shows: the main company
        (its id cached by xmlid: the public user's company would read the user,
        ``env.ref`` check that the company exists)."""
        company_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "base.main_company", raise_if_not_found=False
        )
        return (
            self.env["res.company"].browse(company_id)
            if company_id
            else (self.env.company)
        )

    @api.model
    def _auth_code_ok(self, product, company, serial):
        """False when the product's serial scheme in ``company`` has an
        authenticity code and ``serial`` does not carry the right one."""
        if not product:
            return False
        scheme = product._serial_scheme(company)
        if not scheme:
            return True
        try:
            compiled = scheme._compiled()
        except ValidationError:
            _logger.warning("serial scheme %s has an invalid pattern", scheme.id)
            return True
        if not compiled.auth_token:
            return True
        return compiled.verify(serial, scheme.company_id.serial_auth_secret or "")

    @api.model
    def _answer(self, key, verdict, lot):
        """The public answer: the same keys for every verdict; a not verified answer
        holds nothing but what was asked. Never a customer, an order, a delivery,
        a price, a place or a note."""
        answer = {
            "verdict": verdict,
            "gtin": key.gtin,
            "serial": key.serial,
            "batch": key.batch,
            "product": None,
            "manufacture_date": None,
            "warranty": None,
            "recall": None,
        }
        if verdict not in VERIFIED:
            return answer
        product = lot.product_id.with_context(lang=self.env.lang)
        # the public date: the warranty ends on a calendar day, wherever one looks
        status, end = lot._serial_warranty_status(today=fields.Date.today())
        answer.update(
            product={
                "name": self._product_name(product),
                "image": self._image_path(product),
            },
            manufacture_date=lot.manufacture_date or None,
            warranty={"status": status, "end_date": end or None},
        )
        if verdict == "recalled":
            info = lot.with_context(lang=self.env.lang)._serial_lookup_recall_info()
            answer["recall"] = {name: info.get(name) or None for name in RECALL_KEYS}
            url = answer["recall"]["url"]
            if url and not url.startswith(("https://", "http://")):
                answer["recall"]["url"] = None
        return answer

    @api.model
    def _product_name(self, product):
        """The product's public name: its name and variant values, never its
        internal reference (``display_name`` without the default code, without the
        product fetches its compute does)."""
        values = product.product_template_variant_value_ids
        name = product.product_tmpl_id.name
        return f"{name} ({', '.join(values.mapped('name'))})" if values else name

    @api.model
    def _image_path(self, product):
        """The page's URL of the product's image, or None when it has none. Whether
        it has one is one look at its attachments: the ORM would read the
        variant's and the template's images (two attachment fetches)."""
        self.env["ir.attachment"].flush_model(["res_model", "res_field", "res_id"])
        has_image = self.env.execute_query(
            SQL(
                """SELECT 1 FROM ir_attachment
                    WHERE (res_model = 'product.product' AND res_id = %s
                           AND res_field = 'image_variant_128')
                       OR (res_model = 'product.template' AND res_id = %s
                           AND res_field = 'image_128')
                    LIMIT 1""",
                product.id,
                product.product_tmpl_id.id,
            )
        )
        if not has_image:
            return None
        return f"/serial-lookup/image/{product.id}/{self._image_token(product.id)}"

    # ---- rate limit, log, clones --------------------------------------------------
    @api.model
    def _count(self, client_key, key=None, entry=None):
        """Count one lookup of ``client_key``; log it (when ``key`` is given and the
        client is within its limit) and flag its unit if it looks cloned.

        Runs on a cursor of its own, committed at once: every worker and host sees
        the count, and a rollback of the request does not undo it. Returns
        ``(allowed, retry_after)``: whether the client is within its limit, and in
        how many seconds its window ends.
        """
        settings = self._settings()
        window, limit = settings["rate_window"], settings["rate_limit"]
        now = time.time()
        start = math.floor(now / window) * window
        retry_after = max(1, math.ceil(start + window - now))
        for attempt in range(COUNT_ATTEMPTS):
            try:
                with self.env.registry.cursor() as cr:
                    hits = self._count_in(cr, client_key, start, limit, key, entry)
                break
            except TransactionRollbackError:
                # two lookups of one client raced for its counter row in
                # REPEATABLE READ: nothing was written, count again
                if attempt == COUNT_ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0.001, 0.01))
        return (not limit or hits <= limit), retry_after

    def _count_in(self, cr, client_key, start, limit, key, entry):
        """One round trip: count, log, and the unit's distinct clients lately."""
        settings = self._settings()
        now = _utc(int(time.time()))  # Odoo datetimes have no microseconds
        allowed = SQL("(%s OR hit.hits <= %s)", not limit, limit)
        log = clients = SQL("")
        watch = (
            key is not None
            and entry["verdict"] in VERIFIED
            and not entry["lot"].lookup_clone_date
            and settings["clone_addresses"]
        )
        if key is not None:
            lot, product = entry["lot"], entry["product"]
            # the log belongs to the unit's (or product's) company, else to all
            company = lot.company_id or product.company_id
            log = SQL(
                """, log AS (
                    INSERT INTO serial_lookup_log
                           (date, gtin, serial, batch, verdict, client_hash, lot_id,
                            product_id, company_id)
                    SELECT %(now)s, %(gtin)s, %(serial)s, %(batch)s, %(verdict)s,
                           %(client)s, %(lot)s, %(product)s, %(company)s
                      FROM hit WHERE %(allowed)s
                )""",
                now=now,
                gtin=key.gtin,
                serial=key.serial,
                batch=key.batch,
                verdict=entry["verdict"],
                client=client_key,
                lot=lot.id or None,
                product=product.id or None,
                company=company.id or None,
                allowed=allowed,
            )
        if watch:
            # the log rows this statement inserts are not visible to it: the
            # client counts once more when it has not looked the unit up lately
            clients = SQL(
                """, (SELECT COUNT(DISTINCT client_hash)
                            + (BOOL_OR(client_hash = %(client)s) IS NOT TRUE)::int
                       FROM serial_lookup_log
                      WHERE lot_id = %(lot)s AND date >= %(since)s
                        AND verdict IN %(verified)s)""",
                client=client_key,
                lot=entry["lot"].id,
                since=now - timedelta(hours=settings["clone_hours"]),
                verified=VERIFIED,
            )
        # a count or a log line lost in a crash does no harm: do not wait for the
        # WAL flush at commit (every lookup commits)
        cr.execute(
            SQL(
                """
                SET LOCAL synchronous_commit TO OFF;
                WITH hit AS (
                    INSERT INTO serial_lookup_counter AS c
                           (client_key, window_start, hits)
                    VALUES (%(client)s, %(start)s, 1)
                    ON CONFLICT (client_key, window_start)
                    DO UPDATE SET hits = c.hits + 1
                    RETURNING c.hits
                )%(log)s
                SELECT hits, %(allowed)s%(clients)s FROM hit
                """,
                client=client_key,
                start=_utc(start),
                log=log,
                allowed=allowed,
                clients=clients,
            )
        )
        hits, within, *count = cr.fetchone()
        if watch and within and count[0] >= settings["clone_addresses"]:
            self._flag_clone(cr, entry["lot"], now, count[0])
        return hits

    def _flag_clone(self, cr, lot, now, clients):
        """Flag ``lot``: verified lookups of it came from ``clients`` clients."""
        settings = self._settings()
        try:
            with cr.savepoint():
                # a stock operation may hold the unit's row: never wait for it,
                # the next lookup flags the unit instead
                cr.execute("SET LOCAL lock_timeout = '500ms'")
                cr.execute(
                    SQL(
                        """UPDATE stock_lot SET lookup_clone_date = %s
                            WHERE id = %s AND lookup_clone_date IS NULL
                        RETURNING id""",
                        now,
                        lot.id,
                    )
                )
                if not cr.fetchone():
                    return
                lang = lot.company_id.partner_id.lang or "en_US"
                env = api.Environment(cr, SUPERUSER_ID, {"lang": lang})
                env["stock.lot"].browse(lot.id)._log_events(
                    "clone_suspected",
                    description=env._(
                        "Label looked up from %(count)s different addresses within "
                        "%(hours)s hours: it may have been copied.",
                        count=clients,
                        hours=settings["clone_hours"],
                    ),
                )
        except (psycopg2.errors.LockNotAvailable, TransactionRollbackError):
            _logger.info("unit %s not flagged as cloned now: row busy", lot.id)


def _utc(timestamp):
    """A naive UTC datetime (as Odoo stores them) of a POSIX timestamp."""
    return datetime.fromtimestamp(timestamp, timezone.utc).replace(tzinfo=None)
