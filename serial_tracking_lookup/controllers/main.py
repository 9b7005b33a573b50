"""Public routes of the lookup: the GS1 Digital Link resolver and the lookup page.

- ``/01/<gtin>[/22/..][/10/<batch>]/21/<serial>`` (what the labels print): the
  resolver. A linkset (``?linkType=linkset``, ``all``, or ``Accept:
  application/linkset+json``), else a 307 redirect to the link asked for
  (``?linkType=gs1:pip``...) or to the default link, the lookup page; a 404 for a
  link type it does not have. No database lookup of the unit, no count.
- ``/serial-lookup/01/...`` (the same key): the lookup page, HTML or JSON (``Accept:
  application/json``), rate-limited per client, logged.
- ``/serial-lookup/image/<product id>/<token>``: the product image a page shows.

Paths are read raw from the request line (``REQUEST_URI``): the server decodes
``%2F`` before routing, and only the raw path tells a ``/`` in a serial from a
segment separator. Malformed keys answer 400 (404 for a key without serial), with a
body that never looks like a verdict.
"""

import json

from babel.core import LOCALE_ALIASES
from markupsafe import Markup
from werkzeug.exceptions import BadRequest, NotFound

from odoo import http
from odoo.http import request
from odoo.tools import consteq, format_date

from odoo.addons.serial_tracking.tools.gs1 import gtin_variants

from ..tools import digital_link as dl

PAGE = "/serial-lookup"
# Access-Control-Allow-Origin comes from the routes' ``cors``; errors are raised
# past Odoo's response headers and set it themselves (see _error)
EXPOSE = {"Access-Control-Expose-Headers": "Link, Location, Retry-After"}
PAGE_CSP = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
PAGE_TEXTS = [
    "serial_lookup_intro",
    "serial_lookup_contact",
    "serial_lookup_recall_text",
]
PUBLIC = {
    "type": "http",
    "auth": "public",
    "csrf": False,
    "save_session": False,
}


class SerialLookupController(http.Controller):
    @http.route(
        "/01/<digital_link:_path>",
        methods=["GET", "HEAD", "OPTIONS"],
        cors="*",
        readonly=True,
        **PUBLIC,
    )
    def digital_link(self, _path=None, **_kwargs):
        self._set_language()
        try:
            key = self._key("/01/")
        except dl.LinkError as error:
            raise self._error(error) from error
        if key.link_type in dl.LINKSET_TYPES or self._accepts(
            "application/linkset+json"
        ):
            return self._linkset(key)
        link_type = key.link_type or "gs1:defaultLink"
        if link_type not in dl.LINK_TYPES:
            raise self._error(dl.LinkError("no_link", link_type))
        return self._response(
            b"",
            status=307,
            Location=self._page_url(key, dl.LINK_TYPES[link_type]),
            Link=self._linkset_link(key),
        )

    @http.route(
        f"{PAGE}/01/<digital_link:_path>",
        methods=["GET", "HEAD", "OPTIONS"],
        cors="*",
        # writes (count, log) go through a cursor of their own, but Odoo's test
        # cursor refuses a read/write cursor opened from a read-only request
        readonly=False,
        **PUBLIC,
    )
    def lookup(self, _path=None, **_kwargs):
        self._set_language()
        lookup = request.env["serial.lookup"]
        client = lookup._client_key(request.httprequest.remote_addr)
        try:
            key = self._key(f"{PAGE}/01/")
        except dl.LinkError as error:
            # malformed lookups count too (guessing by trial and error is bounded);
            # raised, so the request's transaction is rolled back: the count stays
            allowed, retry_after = lookup._count(client)
            if not allowed:
                return self._too_many(retry_after)
            raise self._error(error) from error
        answer, entry = lookup._resolve(key)
        allowed, retry_after = lookup._count(client, key, entry)
        if not allowed:
            return self._too_many(retry_after)
        headers = {"Link": self._linkset_link(key)}
        if self._wants_json():
            return self._json(answer, **headers)
        # minimal_qcontext: the page needs no user nor company of the request
        qweb = request.env["ir.qweb"].with_context(minimal_qcontext=True)
        html = Markup("<!DOCTYPE html>\n") + qweb._render(
            "serial_tracking_lookup.lookup_page", self._page_values(answer, entry)
        )
        return self._response(
            html,
            content_type="text/html; charset=utf-8",
            **{"Content-Security-Policy": PAGE_CSP},
            **headers,
        )

    @http.route(
        f"{PAGE}/image/<int:product_id>/<string:token>",
        methods=["GET", "HEAD"],
        readonly=True,
        **PUBLIC,
    )
    def product_image(self, product_id, token):
        # the token first: a wrong one reads nothing
        expected = request.env["serial.lookup"]._image_token(product_id)
        if not consteq(token, expected):
            raise NotFound()
        product = request.env["product.product"].sudo().browse(product_id).exists()
        if not product:
            raise NotFound()
        stream = request.env["ir.binary"]._get_image_stream_from(product, "image_512")
        return stream.get_response(max_age=86400)

    # ---- request ------------------------------------------------------------------
    def _key(self, prefix):
        """The :class:`UnitKey` of the raw request path after ``prefix``."""
        environ = request.httprequest.environ
        raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
        if raw:
            path, query = dl.split_request_uri(raw)
        else:  # a server without the raw target: %2F is lost, "/" splits
            path = request.httprequest.path
            query = environ.get("QUERY_STRING", "")
        if not path.startswith(prefix):  # e.g. "/%30%31/...": an encoded key
            raise dl.LinkError("key")
        return dl.parse(path[len(prefix) - len("/01/") :], query)

    def _accepts(self, mimetype):
        """Whether the client prefers ``mimetype`` to HTML (ties go to HTML)."""
        accept = request.httprequest.accept_mimetypes
        return accept.best_match(["text/html", mimetype]) == mimetype

    def _wants_json(self):
        return self._accepts("application/json")

    def _set_language(self):
        """The visitor's language: the first of Accept-Language that is installed
        (a region falls back to its language), else Odoo's default."""
        installed = [code for code, _name in request.env["res.lang"].get_installed()]
        for value, _quality in request.httprequest.accept_languages:
            code = value.replace("-", "_")
            language = code.split("_")[0].lower()
            candidates = [code, LOCALE_ALIASES.get(language, "")] + [
                lang for lang in installed if lang.split("_")[0] == language
            ]
            match = next((lang for lang in candidates if lang in installed), None)
            if match:
                request.update_context(lang=match)
                return

    # ---- answers ------------------------------------------------------------------
    def _page_url(self, key, anchor=""):
        base = request.httprequest.host_url.rstrip("/")
        return f"{base}{PAGE}{key.path}{key.query()}" + (f"#{anchor}" if anchor else "")

    def _linkset_link(self, key):
        anchor = request.httprequest.host_url.rstrip("/") + key.path
        return (
            f'<{anchor}?linkType=linkset>; rel="linkset"; '
            'type="application/linkset+json"'
        )

    def _linkset(self, key):
        env = request.env
        languages = [
            code.replace("_", "-") for code, _n in env["res.lang"].get_installed()
        ]
        product = (
            env["product.product"]
            .sudo()
            .with_context(active_test=False, display_default_code=False)
            .search(
                [
                    ("barcode", "in", gtin_variants(key.gtin)),
                    ("tracking", "=", "serial"),
                ],
                limit=1,
            )
        )

        def link(anchor, title, mimetype="text/html"):
            return {
                "href": self._page_url(key, anchor),
                "title": title,
                "type": mimetype,
                "hreflang": languages,
            }

        verify = env._("Authenticity check")
        links = {
            "anchor": request.httprequest.host_url.rstrip("/") + key.path,
            "itemDescription": product.display_name or None,
            dl.GS1_VOC + "defaultLink": [link("", env._("Product and unit check"))],
            dl.GS1_VOC + "pip": [link("product", env._("Product information"))],
            dl.GS1_VOC + "verificationService": [
                link("verdict", verify),
                link("verdict", verify, "application/json"),
            ],
            dl.GS1_VOC + "recallStatus": [link("recall", env._("Recall status"))],
            dl.GS1_VOC + "serviceInfo": [link("warranty", env._("Warranty status"))],
        }
        if not links["itemDescription"]:
            del links["itemDescription"]
        return self._json(
            {"linkset": [links]},
            content_type="application/linkset+json",
            Link=self._linkset_link(key),
        )

    def _page_values(self, answer, entry):
        env = request.env
        company = entry["company"].with_context(lang=env.lang)
        company.fetch(["name", *PAGE_TEXTS])
        lang = env.lang or "en_US"

        def date(value):
            return format_date(env, value, lang_code=lang) if value else ""

        warranty = answer["warranty"] or {}
        recall = answer["recall"] or {}
        return {
            "answer": answer,
            "verdict": answer["verdict"],
            "company_name": company.name,
            "intro": company.serial_lookup_intro or "",
            "contact": company.serial_lookup_contact or "",
            "recall_text": recall.get("instructions")
            or company.serial_lookup_recall_text
            or "",
            "recall_title": recall.get("title") or "",
            "recall_url": recall.get("url") or "",
            "manufacture_date": date(answer["manufacture_date"]),
            "warranty_status": warranty.get("status"),
            "warranty_end": date(warranty.get("end_date")),
            "html_lang": lang.replace("_", "-"),
            "lines": _lines,
        }

    def _json(self, data, content_type="application/json", **headers):
        body = json.dumps(data, default=str, ensure_ascii=False, indent=None)
        return self._response(
            body.encode(), content_type=f"{content_type}; charset=utf-8", **headers
        )

    def _response(self, body, status=200, content_type=None, **headers):
        headers = {
            **EXPOSE,
            "Vary": "Accept, Accept-Language",
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Robots-Tag": "noindex",
            **headers,
        }
        response = request.make_response(body, headers=list(headers.items()))
        response.status_code = status
        if content_type:
            response.headers["Content-Type"] = content_type
        return response

    def _too_many(self, retry_after):
        env = request.env
        message = env._("Too many lookups from your address: try again later.")
        headers = {"Retry-After": str(retry_after)}
        if self._wants_json():
            response = self._json(
                {"error": "too_many_requests", "message": message}, **headers
            )
        else:
            response = self._response(
                message.encode(), content_type="text/plain; charset=utf-8", **headers
            )
        response.status_code = 429
        return response

    def _error(self, error):
        """A 400 (404 when the key is valid but has no such link) to raise."""
        env = request.env
        if error.code in ("no_serial", "no_link"):
            status, name = 404, "not_found"
            message = env._("There is no link of this kind for this code.")
        else:
            status, name = 400, "bad_request"
            message = env._(
                "This is not a valid GS1 Digital Link of a serial unit: %(reason)s",
                reason=_reason(env, error),
            )
        if self._wants_json() or self._accepts("application/linkset+json"):
            response = self._json({"error": name, "message": message})
        else:
            response = self._response(
                message.encode(), content_type="text/plain; charset=utf-8"
            )
        response.status_code = status
        response.headers["Access-Control-Allow-Origin"] = "*"
        return (NotFound if status == 404 else BadRequest)(response=response)


def _lines(text):
    """Plain text as escaped lines joined by <br/> (QWeb ``t-out`` of the result)."""
    return Markup("<br/>").join((text or "").splitlines())


def _reason(env, error):
    reasons = {
        "too_long": env._("the address is too long"),
        "escape": env._("a percent-escape is broken or not UTF-8"),
        "control": env._("it contains control or invisible characters"),
        "dot_segment": env._("it contains a '.' or '..' path segment"),
        "empty_segment": env._("it contains an empty path segment"),
        "key": env._("the path is not /01/<GTIN>[/10/<batch>]/21/<serial>"),
        "syntax": env._(
            "a value breaks the GS1 syntax (%(detail)s)", detail=error.detail
        ),
        "check_digit": env._("the GTIN's check digit is wrong"),
        "link_type": env._("the link type is not gs1:<type>, linkset or all"),
    }
    return reasons.get(error.code, error.code)
