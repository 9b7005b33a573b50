import base64
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from odoo.tests import HttpCase, new_test_user, tagged

from .common import EpcisCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestEpcisRest(HttpCase, EpcisCommon):
    """``GET /epcis/events``: API key auth, filters and paging."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = cls._stock_user("epcis_api_user")
        cls.company_b = cls.env["res.company"].create({"name": "EPCIS Company B"})
        cls.user_b = cls._stock_user(
            "epcis_api_user_b", cls.company_b, groups="stock.group_stock_user"
        )
        cls.nobody = new_test_user(cls.env, login="epcis_api_nobody")
        cls.key, cls.key_b, cls.key_nobody = (
            cls._api_key(user, "epcis") for user in (cls.user, cls.user_b, cls.nobody)
        )

    def setUp(self):
        super().setUp()
        self.unit, self.pickings = self._unit_story()
        # the units belong to our company (a product of none shares them)
        self.env["stock.lot"].search(
            [("name", "like", "STORY-")]
        ).company_id = self.env.company

    def _get(self, key=None, path="/epcis/events", **params):
        headers = {"Authorization": f"bearer {key}"} if key else {}
        return self.url_open(
            path
            + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""),
            headers=headers,
        )

    def _events(self, response):
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers["GS1-EPCIS-Version"], "2.0.0")
        return self.assertEpcisDocument(response.json(), query=True)

    def _story_epc(self, name="STORY-1"):
        return f"https://id.gs1.org/01/05410000000019/21/{name}"

    def test_auth(self):
        self.assertEqual(self._get().status_code, 401)
        self.assertEqual(self._get("wrong-key").status_code, 401)
        response = self._get(self.key_nobody)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["type"], "epcisException:SecurityException")
        # another company's user sees none of our units' events
        events = self._events(self._get(self.key_b, MATCH_epc=self._story_epc()))
        self.assertEqual(events, [])
        events = self._events(self._get(self.key, MATCH_epc=self._story_epc()))
        self.assertEqual(len(events), 6)

    def test_filters(self):
        epc = self._story_epc()
        events = self._events(self._get(self.key, MATCH_epc=epc, EQ_bizStep="shipping"))
        self.assertEqual([e["bizStep"] for e in events], ["shipping"])
        events = self._events(
            self._get(
                self.key,
                MATCH_anyEPC=f"{epc},{self._story_epc('STORY-2')}",
                EQ_bizStep="https://ref.gs1.org/cbv/BizStep-commissioning",
            )
        )
        self.assertEqual(
            sorted(e["epcList"][0] for e in events),
            sorted([epc, self._story_epc("STORY-2")]),
        )
        # time range: everything of the story happened within this test
        delivery_time = self.pickings["delivery"].date_done
        after = (delivery_time - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
        events = self._events(
            self._get(self.key, MATCH_epc=epc, GE_eventTime=after + "Z")
        )
        self.assertTrue(events)
        self.assertLess(len(events), 6)
        events = self._events(
            self._get(self.key, MATCH_epc=epc, LT_eventTime="2000-01-01T00:00:00Z")
        )
        self.assertEqual(events, [])
        # an EPC of no unit matches nothing
        events = self._events(self._get(self.key, MATCH_epc=self._story_epc("NO-SUCH")))
        self.assertEqual(events, [])

    def test_bad_parameters(self):
        for params in (
            {"EQ_bizStep": "dancing"},
            {"GE_eventTime": "yesterday"},
            {"GE_eventTime": "2026-01-01T00:00:00"},  # no offset
            {"perPage": "0"},
            {"nextPageToken": "not-a-token"},
            {"orderBy": "eventTime"},
        ):
            response = self._get(self.key, **params)
            self.assertEqual(response.status_code, 400, params)
            self.assertEqual(
                response.json()["type"], "epcisException:QueryParameterException"
            )

    def test_paging(self):
        epcs = f"{self._story_epc()},{self._story_epc('STORY-2')}"
        everything = self._events(self._get(self.key, MATCH_anyEPC=epcs))
        story_2 = self.env["stock.lot"].search([("name", "=", "STORY-2")])
        Epcis = self.env["serial.epcis"]
        text = "".join(Epcis._iter_document(Epcis._events_sql(lot_ids=story_2.ids)))
        story_2_events = json.loads(text)["epcisBody"]["eventList"]
        self.assertEqual(len(everything), 6 + len(story_2_events))
        self.assertGreater(len(everything), 6)
        seen, pages = [], 0
        params = {"MATCH_anyEPC": epcs, "perPage": "3"}
        while True:
            response = self._get(self.key, **params)
            page = self._events(response)
            pages += 1
            self.assertLessEqual(len(page), 3)
            seen += page
            link = response.headers.get("Link")
            if not link:
                break
            url = re.match(r'^<([^>]+)>; rel="next"$', link).group(1)
            params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
            self.assertEqual(params["perPage"], "3")
            token = params["nextPageToken"]
            self.assertEqual(response.headers["GS1-Next-Page-Token"], token)
            base64.urlsafe_b64decode(token)
        self.assertEqual(pages, -(-len(everything) // 3))
        self.assertEqual(
            [e["eventID"] for e in seen], [e["eventID"] for e in everything]
        )

    def test_download_route(self):
        self.authenticate("epcis_api_user", "epcis_api_user")
        response = self.url_open(f"/epcis/download?model=stock.lot&ids={self.unit.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response.headers["Content-Disposition"])
        events = self.assertEpcisDocument(response.json())
        self.assertEqual(len(events), 6)
        self.authenticate("epcis_api_nobody", "epcis_api_nobody")
        response = self.url_open(f"/epcis/download?model=stock.lot&ids={self.unit.id}")
        self.assertEqual(response.status_code, 403)
